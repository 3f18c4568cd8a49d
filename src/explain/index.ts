/** Human-readable views of a model: the layer table (`seqnet summary`) and its equations (`seqnet explain`). */
export { summarizeModel, type ModelSummary, type SummaryRow } from './summary.js';
export { renderSummary } from './render-summary.js';
export { explainModel, type ExplainOptions } from './explain.js';
