/** The output at the last valid (unmasked) step of a sequence: `[batch, time, f]` → `[batch, f]`. */
import * as tf from '@tensorflow/tfjs';
import { NO_MASK, singleMask, singleShape, singleTensor } from './masks.js';

export interface LastStepConfig {
  name?: string;
  trainable?: boolean;
}

export class LastStep extends tf.layers.Layer {
  static readonly className = 'LastStep';

  constructor(config: LastStepConfig = {}) {
    super(config);
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
      const steps = x.shape[1] as number;
      const mask = singleMask(kwargs.mask);
      if (mask === null) return tf.squeeze(tf.slice(x, [0, steps - 1, 0], [-1, 1, -1]), [1]);
      // Index of the last valid step: the largest (t + 1)·valid_t; a one-hot selection keeps it differentiable.
      const positions = tf.range(1, steps + 1, 1, 'float32');
      const last = tf.argMax(tf.mul(tf.cast(mask, 'float32'), positions), 1);
      const select = tf.expandDims(tf.oneHot(last, steps), -1);
      return tf.sum(tf.mul(x, select), 1);
    });
  }
}

tf.serialization.registerClass(LastStep, 'seqnet');
