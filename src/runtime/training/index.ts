/** Training support for compiled models: the guarded optimizer (skips non-finite updates, clips), losses, compile, seeds. */
export { SeqnetAdam } from './adam.js';
export { clipGradients, type GradientClipping } from './clipping.js';
export { allFinite, GuardedOptimizer } from './guarded-optimizer.js';
export { buildOptimizer, type OptimizerSettings } from './optimizer.js';
export { huber, lossFor, metricFor, sparseCategoricalCrossentropy, type LossFunction, type LossIdentifier } from './losses.js';
export { compileForTraining, type HeadTraining } from './compile-model.js';
export { layerSeed } from './seeds.js';
// Generated builders type their training constants with the IR's own type.
export type { HeadIR, TrainIR } from '../../ir/types.js';
