/** seqnet's loss and metric names mapped to what tfjs's `model.compile` accepts, with loss weights. */
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

/** tfjs's own identifiers, used when a head's loss is not reweighted so that tfjs names its logs as usual. */
const LOSS_IDENTIFIERS: Record<LossName, LossIdentifier> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  huber,
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

const LOSS_FUNCTIONS: Record<LossName, LossFunction> = {
  mse: tf.metrics.meanSquaredError,
  mae: tf.metrics.meanAbsoluteError,
  huber,
  binary_crossentropy: tf.metrics.binaryCrossentropy,
  categorical_crossentropy: tf.metrics.categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
};

/** The loss for one head; tfjs has no `lossWeights`, so a weight other than 1 scales the loss function itself. */
export function lossFor(name: LossName, weight = 1): LossIdentifier {
  if (weight === 1) return LOSS_IDENTIFIERS[name];
  const base = LOSS_FUNCTIONS[name];
  const weighted: LossFunction = (yTrue, yPred) => tf.tidy(() => tf.mul(base(yTrue, yPred), weight));
  Object.defineProperty(weighted, 'name', { value: `${name}_x${weight}` });
  return weighted;
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
 * tfjs only does so when the loss is its own unwrapped function.
 */
export function metricFor(name: MetricName, loss: LossName): LossIdentifier {
  if (name !== 'accuracy') return METRICS[name];
  if (loss === 'binary_crossentropy') return METRICS.binary_accuracy;
  if (loss === 'sparse_categorical_crossentropy') return METRICS.sparse_categorical_accuracy;
  return METRICS.categorical_accuracy;
}
