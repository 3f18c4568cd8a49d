/** Small helpers shared by the sequence layers: one input tensor, one mask, and masks as float weights. */
import * as tf from '@tensorflow/tfjs';

/** The single tensor a one-input layer receives (tfjs passes a list when called from a model). */
export function singleTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** The mask for a one-input layer, or null; tfjs passes either a tensor or a list of (nullable) tensors. */
export function singleMask(mask: unknown): tf.Tensor | null {
  const first: unknown = Array.isArray(mask) ? mask[0] : mask;
  return first instanceof tf.Tensor ? first : null;
}

/** A `[batch, time]` boolean mask as `[batch, time, 1]` float weights (1 valid, 0 padding). */
export function maskWeights(mask: tf.Tensor): tf.Tensor {
  return tf.expandDims(tf.cast(mask, 'float32'), -1);
}

/** The shape of a one-input layer's input (tfjs also passes lists of shapes). */
export function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0] : (inputShape as tf.Shape);
}

/**
 * What `computeMask` returns when a layer removes the time axis: no mask. tfjs's typing says a tensor, but its
 * own pooling layers return null here, which is what the model executor expects.
 */
export const NO_MASK = null as unknown as tf.Tensor;
