/** Reaching the learning rate and the skipped-update counts of the optimizer a compiled model trains with. */
import * as tf from '@tensorflow/tfjs';
import { GuardedOptimizer } from '../runtime/training/index.js';

/** The adam / sgd / rmsprop optimizer itself, inside seqnet's guarding wrapper if there is one. */
function baseOptimizer(optimizer: tf.Optimizer): tf.Optimizer {
  return optimizer instanceof GuardedOptimizer ? optimizer.inner : optimizer;
}

/**
 * Sets the learning rate for the next updates. tfjs's SGD and momentum cache it as a tensor and expose
 * `setLearningRate`; adam and rmsprop read their `learningRate` field at every step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const base = baseOptimizer(optimizer) as tf.Optimizer & { learningRate?: number; setLearningRate?: (rate: number) => void };
  if (typeof base.setLearningRate === 'function') base.setLearningRate(learningRate);
  else base.learningRate = learningRate;
}

/** The model's optimizer; a model that was not compiled for training cannot be trained. */
export function modelOptimizer(model: tf.LayersModel): tf.Optimizer {
  if (model.optimizer === undefined || model.optimizer === null) throw new Error('the model was not compiled with an optimizer');
  return model.optimizer;
}

/**
 * The model's optimizer as a `GuardedOptimizer`. A model compiled by seqnet already has one; a model an
 * embedding application compiled itself gets its optimizer wrapped (without clipping), so that every
 * training run skips non-finite updates and can count them.
 */
export function guardedOptimizer(model: tf.LayersModel): GuardedOptimizer {
  const optimizer = modelOptimizer(model);
  if (optimizer instanceof GuardedOptimizer) return optimizer;
  const guarded = new GuardedOptimizer(optimizer);
  model.optimizer = guarded;
  return guarded;
}
