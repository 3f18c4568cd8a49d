/** Reaching the learning rate and state of the optimizer a compiled model carries (possibly clip-wrapped). */
import * as tf from '@tensorflow/tfjs';

/** The adam / sgd / rmsprop optimizer itself, inside seqnet's gradient-clipping wrapper if there is one. */
function baseOptimizer(optimizer: tf.Optimizer): tf.Optimizer {
  const inner = (optimizer as { inner?: unknown }).inner;
  // tf.Optimizer's instanceof check reads `minimize` off its operand, so rule out a missing wrapper first.
  return typeof inner === 'object' && inner !== null && inner instanceof tf.Optimizer ? inner : optimizer;
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
