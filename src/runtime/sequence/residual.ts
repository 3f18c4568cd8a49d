/**
 * A residual connection: the element-wise sum of a layer's input and output, keeping their mask.
 *
 * tfjs's `tf.layers.add` would do the sum, but its mask (Merge.computeMask in tfjs-layers 4.22) gains a leading
 * axis of size 1 (`[1, batch, time]`) that every later mask-aware layer then misreads.
 */
import * as tf from '@tensorflow/tfjs';
import { NO_MASK, singleShape } from './masks.js';

export interface ResidualAddConfig {
  name?: string;
  trainable?: boolean;
}

export class ResidualAdd extends tf.layers.Layer {
  static readonly className = 'ResidualAdd';

  constructor(config: ResidualAddConfig = {}) {
    super(config);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${this.name}: a residual connection adds exactly two tensors`);
    return tf.add(inputs[0], inputs[1]);
  }

  /** The steps valid in both inputs (both carry the same padding mask in a seqnet body). */
  override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const masks = (Array.isArray(mask) ? mask : [mask]).filter((each): each is tf.Tensor => each instanceof tf.Tensor);
    if (masks.length === 0) return NO_MASK;
    return masks.length === 1 ? masks[0] : tf.logicalAnd(masks[0], masks[1]);
  }
}

tf.serialization.registerClass(ResidualAdd, 'seqnet');
