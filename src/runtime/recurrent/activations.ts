/** The IR's activation names as tensor functions, with tfjs's conventions where tfjs has the function. */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../ir/types.js';

export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

const SQRT_HALF = Math.SQRT1_2;

const ACTIVATIONS: Record<Activation, ActivationFn> = {
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  // tfjs and tf.keras 2: clip(0.2·x + 0.5, 0, 1) (Keras 3's relu6(x + 3)/6 differs).
  hard_sigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  relu: (x) => tf.relu(x),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  // The exact form 0.5·x·(1 + erf(x/√2)) (Keras's default, approximate=false).
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, SQRT_HALF)))),
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  softplus: (x) => tf.softplus(x),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  linear: (x) => x,
  softmax: (x) => tf.softmax(x),
};

/** The function for an activation name; throws on names outside the IR. */
export function activationFn(name: Activation): ActivationFn {
  const fn = ACTIVATIONS[name];
  if (fn === undefined) throw new Error(`SeqnetRecurrent: unknown activation '${String(name)}'`);
  return fn;
}
