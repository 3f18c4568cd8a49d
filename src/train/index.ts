/** `seqnet train`, `evaluate` and `predict` as functions: the public training API. */
export { TrainError } from './errors.js';
export { trainSpec, type TrainSpecOptions } from './train-spec.js';
export { trainIr, resumeRun, type ModelBuilder, type TrainOptions, type TrainResult } from './session.js';
export { evaluateRun, type EvaluateOptions, type Evaluation } from './evaluate.js';
export { predictRun, type PredictOptions, type Prediction } from './predict.js';
export { generateText, type GenerateOptions } from './generate.js';
export { exportData, type ExportDataOptions, type ExportIndex, type ExportResult } from './export-data.js';
export { renderHistorySvg } from './plot.js';
export { createReporter, type Streams } from './progress.js';
export type { EpochLog, ProgressReporter } from './types.js';
export { RUN_FILES, type RunInfo } from './run-dir.js';
export { RunFileError } from '../io/index.js';
