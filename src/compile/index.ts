/** The tfjs back end: a ModelIR (or spec source text) compiled directly to a tfjs LayersModel. */
export { compileModel, type CompileOptions } from './model.js';
export { compileSpec } from './spec.js';
export { CompileError } from './errors.js';
export { planModel } from './plan.js';
export type { InitializerRef, ModelPlan, PlainValue, PlanNode } from './plan-types.js';
