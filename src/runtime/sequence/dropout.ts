/**
 * Dropout between layers with a fresh mask on every training call.
 *
 * tfjs's own `tf.layers.dropout` either draws from the unseeded `Math.random` or, given a seed, reuses one
 * mask forever; this layer takes each mask's seed from `nextSeed()`, so training is reproducible and still
 * sees a new mask per batch. `step`: an independent mask per element; `sequence`: one mask per sequence and
 * feature, shared by every time step.
 */
import * as tf from '@tensorflow/tfjs';
import type { MaskLifetime } from '../../ir/types.js';
import { nextSeed } from '../random.js';
import { batchUniform } from '../shards.js';
import { singleShape, singleTensor } from './masks.js';

export interface SequenceDropoutConfig {
  rate: number;
  mask: MaskLifetime;
  name?: string;
  trainable?: boolean;
}

export class SequenceDropout extends tf.layers.Layer {
  static readonly className = 'SequenceDropout';
  readonly rate: number;
  readonly mask: MaskLifetime;

  constructor(config: SequenceDropoutConfig) {
    super(config);
    this.rate = config.rate;
    this.mask = config.mask;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = singleTensor(inputs);
    // Inference (and rate 0) is the identity; a clone, because tfjs may dispose a layer's output.
    if (kwargs.training !== true || this.rate === 0) return tf.clone(x);
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const noiseShape = this.mask === 'sequence' && x.rank === 3 ? [x.shape[0], 1, x.shape[2] as number] : x.shape;
      const draws = batchUniform(noiseShape, 0, nextSeed());
      // Inverted dropout: kept units are scaled by 1/keep so the expectation matches inference.
      const kept = tf.div(tf.cast(tf.less(draws, keep), 'float32'), keep);
      return tf.mul(x, kept);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, mask: this.mask };
  }
}

tf.serialization.registerClass(SequenceDropout, 'seqnet');
