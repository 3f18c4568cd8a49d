/** The seqnet library: parse and check specs, render diagnostics, and the model IR types. */
export { parseSpec, type ParseResult } from './ast/index.js';
export type { ArgumentNode, ArgumentValue, CommentNode, SpecAst, StatementNode } from './ast/types.js';
export { checkSpec, loadSpecFile, toJsonForm, type CheckResult, type LoadResult } from './validate/index.js';
export { SPEC_SCHEMA } from './validate/schema.js';
export type { SpecJson } from './ir/spec-json.js';
export { lowerSpec } from './ir/lower.js';
export { DEFAULTS } from './ir/defaults.js';
export { PRESETS, findPreset, type NormPreset } from './ir/presets/index.js';
export { renderDiagnostics, type RenderOptions } from './diagnostics/render.js';
export { DIAGNOSTIC_CODES, type DiagnosticCodeInfo } from './diagnostics/codes.js';
export type { Diagnostic, Severity, SourceSpan } from './diagnostics/types.js';
export * from './ir/types.js';
export { InvalidSpecError, SpecError } from './validate/errors.js';
export { compileModel, compileSpec, planModel, CompileError, type CompileOptions } from './compile/index.js';
export { generateTypeScript, CodegenError, type GenerateOptions } from './codegen/index.js';
export { summarizeModel, renderSummary, explainModel, type ExplainOptions, type ModelSummary, type SummaryRow } from './explain/index.js';
export {
  trainSpec,
  trainIr,
  resumeRun,
  evaluateRun,
  predictRun,
  generateText,
  TrainError,
  RunFileError,
  type TrainSpecOptions,
  type TrainOptions,
  type TrainResult,
  type EvaluateOptions,
  type Evaluation,
  type PredictOptions,
  type Prediction,
  type GenerateOptions as GenerateTextOptions,
  type EpochLog,
} from './train/index.js';
export { selectBackend, BACKEND_NAMES, BackendError, type BackendName, type SelectedBackend } from './backend/index.js';
