/** `compileModel`: a ModelIR compiled directly to a tfjs LayersModel, optionally compiled for training. */
import type * as tf from '@tensorflow/tfjs';
import type { ModelIR } from '../ir/types.js';
import { compileForTraining } from '../runtime/index.js';
import { buildFromPlan } from './build.js';
import { planModel } from './plan.js';

export interface CompileOptions {
  /** Initialization seed; defaults to the spec's `train.seed`. */
  seed?: number;
  /** Whether to call `model.compile` with the spec's losses, metrics and optimizer (default true). */
  compile?: boolean;
}

export function compileModel(ir: ModelIR, options: CompileOptions = {}): tf.LayersModel {
  const model = buildFromPlan(planModel(ir), options.seed ?? ir.train.seed);
  if (options.compile !== false) compileForTraining(model, ir.train, ir.heads);
  return model;
}
