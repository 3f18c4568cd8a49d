/** Mean or max over the valid (unmasked) steps of a sequence: `[batch, time, f]` → `[batch, f]`. */
import * as tf from '@tensorflow/tfjs';
import { maskWeights, NO_MASK, singleMask, singleShape, singleTensor } from './masks.js';

export type PoolingMode = 'mean' | 'max';

export interface SequencePoolingConfig {
  mode: PoolingMode;
  name?: string;
  trainable?: boolean;
}

/** Replaces padded steps before a max, so they never win; finite so that an all-padding row stays finite. */
const PADDING_FLOOR = -1e9;

export class SequencePooling extends tf.layers.Layer {
  static readonly className = 'SequencePooling';
  readonly mode: PoolingMode;

  constructor(config: SequencePoolingConfig) {
    super(config);
    this.mode = config.mode;
    // Accepts a mask (to skip padding); the pooled output has no time axis, so it emits none.
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = singleShape(inputShape);
    return [shape[0], shape[2]];
  }

  override computeMask(): tf.Tensor {
    return NO_MASK;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { mask?: unknown }): tf.Tensor {
    return tf.tidy(() => {
      const x = singleTensor(inputs);
      const mask = singleMask(kwargs.mask);
      if (mask === null) return this.mode === 'mean' ? tf.mean(x, 1) : tf.max(x, 1);
      const weights = maskWeights(mask);
      return this.mode === 'mean' ? maskedMean(x, weights) : maskedMax(x, weights);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}

function maskedMean(x: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  // At least one step in the denominator: an all-padding row pools to 0 rather than NaN.
  const count = tf.maximum(tf.sum(weights, 1), 1);
  return tf.div(tf.sum(tf.mul(x, weights), 1), count);
}

function maskedMax(x: tf.Tensor, weights: tf.Tensor): tf.Tensor {
  const valid = tf.cast(tf.mul(tf.onesLike(x), weights), 'bool');
  const pooled = tf.max(tf.where(valid, x, tf.fill(x.shape, PADDING_FLOOR)), 1);
  // Rows with no valid step at all pool to 0 instead of the floor.
  const hasValid = tf.minimum(tf.sum(weights, 1), 1);
  return tf.mul(pooled, hasValid);
}

tf.serialization.registerClass(SequencePooling, 'seqnet');
