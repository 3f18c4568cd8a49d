/** seqnet's losses (weighted, reduced per example) and metric names mapped to what tfjs's `model.compile` accepts. */
import * as tf from '@tensorflow/tfjs';
import type { LossName, MetricName } from '../../ir/types.js';

export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
export type LossIdentifier = string | LossFunction;

/** Huber loss with δ = 1, averaged over the last axis (tfjs-layers has no `huber` loss identifier). */
export function huber(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const error = tf.abs(tf.sub(yTrue, yPred));
    const quadratic = tf.minimum(error, 1);
    const linear = tf.sub(error, quadratic);
    return tf.mean(tf.add(tf.mul(0.5, tf.square(quadratic)), linear), -1);
  });
}

/** Sparse categorical cross-entropy on probabilities; `yTrue` holds class indices (last axis of size 1 or none). */
export function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.rank - 1] as number;
    const labels = tf.reshape(tf.cast(yTrue, 'int32'), yPred.shape.slice(0, -1) as number[]);
    const probabilities = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
    return tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.log(probabilities)), -1));
  });
}

const LOSS_FUNCTIONS: Record<LossName, LossFunction> = {
  mse: tf.metrics.meanSquaredError,
  mae: tf.metrics.meanAbsoluteError,
  huber,
  binary_crossentropy: tf.metrics.binaryCrossentropy,
  categorical_crossentropy: tf.metrics.categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
};

/**
 * The loss of one head, scaled by its weight (tfjs has no `lossWeights`) and reduced to one value per example:
 * tfjs adds the heads' unreduced losses together, so a per-step head's `[batch, steps]` loss could not be
 * added to a last-step head's `[batch]`. The mean over examples is the same as tfjs's own reduction.
 */
export function lossFor(name: LossName, weight = 1): LossFunction {
  const base = LOSS_FUNCTIONS[name];
  const loss: LossFunction = (yTrue, yPred) =>
    tf.tidy(() => {
      const value = base(yTrue, yPred);
      const perExample = value.rank > 1 ? tf.mean(value, Array.from({ length: value.rank - 1 }, (_, axis) => axis + 1)) : value;
      return weight === 1 ? perExample : tf.mul(perExample, weight);
    });
  Object.defineProperty(loss, 'name', { value: name });
  return loss;
}

const METRICS: Record<Exclude<MetricName, 'accuracy'>, LossIdentifier> = {
  mse: 'mse',
  mae: 'mae',
  binary_accuracy: 'binaryAccuracy',
  categorical_accuracy: 'categoricalAccuracy',
  // tfjs's metric registry lacks this one as a string.
  sparse_categorical_accuracy: tf.metrics.sparseCategoricalAccuracy,
};

/**
 * A metric for a head trained with `loss`. `accuracy` is resolved here from the loss, as Keras does, because
 * tfjs only does so when the loss is one of its own functions (ours are wrapped).
 */
export function metricFor(name: MetricName, loss: LossName): LossIdentifier {
  if (name !== 'accuracy') return METRICS[name];
  if (loss === 'binary_crossentropy') return METRICS.binary_accuracy;
  if (loss === 'sparse_categorical_crossentropy') return METRICS.sparse_categorical_accuracy;
  return METRICS.categorical_accuracy;
}
