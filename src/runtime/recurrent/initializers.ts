/** Seeded initial values for a recurrent layer's weights, from the IR's initializer names. */
import * as tf from '@tensorflow/tfjs';
import type { InitializersIR } from '../../ir/types.js';

/**
 * A distinct 32-bit seed per weight, from the layer seed and the weight's position in build order, so one
 * seed gives the same weights and no two weights share a random stream. Undefined without a layer seed.
 */
export function weightSeed(layerSeed: number | undefined, index: number): number | undefined {
  if (layerSeed === undefined) return undefined;
  let h = Math.imul((Math.floor(layerSeed) >>> 0) ^ 0x7feb352d, 0x846ca68b);
  h = Math.imul(h ^ (h >>> 15) ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b);
  return (h ^ (h >>> 16)) >>> 0;
}

type KernelName = InitializersIR['kernel'] | InitializersIR['recurrentKernel'];

/** tfjs's initializer type (its base class is not exported). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * The tfjs initializer for a kernel name. `identity` starts from zeros and is then overwritten by
 * `gateIdentity` (tfjs's own identity initializer accepts only square matrices).
 */
export function kernelInitializer(name: KernelName, seed: number | undefined): Initializer {
  switch (name) {
    case 'glorot_uniform':
      return tf.initializers.glorotUniform({ seed });
    case 'glorot_normal':
      return tf.initializers.glorotNormal({ seed });
    case 'he_normal':
      return tf.initializers.heNormal({ seed });
    case 'he_uniform':
      return tf.initializers.heUniform({ seed });
    case 'orthogonal':
      return tf.initializers.orthogonal({ seed, gain: 1 });
    case 'zeros':
    case 'identity':
      return tf.initializers.zeros();
    default:
      throw new Error(`SeqnetRecurrent: unknown kernel initializer '${String(name)}'`);
  }
}

/** `[u, G·u]` made of G identity blocks side by side: the identity initialization of every gate (Le et al. 2015). */
export function gateIdentity(units: number, gates: number): tf.Tensor {
  return tf.tidy(() => tf.tile(tf.eye(units), [1, gates]));
}

/** The initial bias `[4u]`: zeros with `forgetInit` on block 1, the forget gate (Keras's unit_forget_bias). */
export function lstmBias(units: number, forgetInit: number): tf.Tensor {
  const values = new Float32Array(4 * units);
  values.fill(forgetInit, units, 2 * units);
  return tf.tensor1d(values);
}

/** A constant fill (γ and β initial values, zero population means, unit population variances). */
export function constantInitializer(value: number): Initializer {
  return tf.initializers.constant({ value });
}
