/** Gradient clipping by value and by global norm, applied by the optimizer wrapper before each update. */
import * as tf from '@tensorflow/tfjs';

export interface GradientClipping {
  /** Scale all gradients together so their global L2 norm is at most this; null for none. */
  norm: number | null;
  /** Clip each gradient element to [−value, value]; null for none. */
  value: number | null;
}

export const NO_CLIPPING: GradientClipping = { norm: null, value: null };

/** Whether `clipping` changes gradients at all. */
export function clips(clipping: GradientClipping): boolean {
  return clipping.norm !== null || clipping.value !== null;
}

/**
 * Clips element-wise first, then rescales by the global norm (so the result satisfies both bounds):
 * `g ← g · norm / max(‖g‖, norm)` with `‖g‖` the L2 norm over every gradient together.
 */
export function clipGradients(gradients: tf.Tensor[], clipping: GradientClipping): tf.Tensor[] {
  const { value, norm } = clipping;
  let clipped = value === null ? gradients : gradients.map((tensor) => tf.clipByValue(tensor, -value, value));
  if (norm !== null) {
    const globalNorm = tf.sqrt(tf.addN(clipped.map((tensor) => tf.sum(tf.square(tensor)))));
    const scale = tf.div(norm, tf.maximum(globalNorm, norm));
    clipped = clipped.map((tensor) => tf.mul(tensor, scale));
  }
  return clipped;
}
