/** Seeded initial values for a recurrent layer's weights, from the IR's initializer names. */
import * as tf from '@tensorflow/tfjs';
import type { InitializersIR } from '../../ir/types.js';
import { isUniformInitializer, uniformRange, type MatrixRecurrentInitializer, type VectorRecurrentInitializer } from '../../variants/index.js';
import { orthogonalMatrix } from './orthogonal.js';

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

/** The names a matrix kernel takes: the input kernel's and those of a recurrent matrix `U`. */
type KernelName = InitializersIR['kernel'] | MatrixRecurrentInitializer;

/** tfjs's initializer type (its base class is not exported). */
export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * The tfjs initializer for a kernel name. `identity` and `orthogonal` start from zeros and are then
 * overwritten by `initialKernelValue` (tfjs's identity accepts only square matrices, and its orthogonal
 * initializer takes seconds per recurrent kernel).
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
    case 'zeros':
    case 'identity':
    case 'orthogonal':
      return tf.initializers.zeros();
    default:
      throw new Error(`SeqnetRecurrent: unknown kernel initializer '${String(name)}'`);
  }
}

/**
 * The initial value of a kernel whose initializer tfjs cannot provide (fast enough), or null when the
 * initializer already gave it. `seed` undefined draws an unseeded matrix, as tfjs's unseeded initializers do.
 */
export function initialKernelValue(name: KernelName, shape: [number, number], gates: number, seed: number | undefined): tf.Tensor | null {
  if (name === 'identity') return gateIdentity(shape[0], gates);
  if (name !== 'orthogonal') return null;
  const [rows, cols] = shape;
  return tf.tensor2d(orthogonalMatrix(rows, cols, seed ?? Math.floor(Math.random() * 2 ** 32)), shape);
}

/**
 * The tfjs initializer of a recurrent weight vector `u` (one weight per unit, the IndRNN's): `identity` gives
 * u = 1 (each unit carries its state over unchanged) and the glorot names are tfjs's; the uniform names start
 * from zeros and are then overwritten by `initialVectorValue` (tfjs's `randomUniform` initializer reads a
 * `minval` of 0 as "not given" and draws from −0.05 instead).
 */
export function vectorInitializer(name: VectorRecurrentInitializer, seed: number | undefined): Initializer {
  switch (name) {
    case 'identity':
      return constantInitializer(1);
    case 'glorot_uniform':
    case 'glorot_normal':
      return kernelInitializer(name, seed);
    case 'indrnn':
    case 'indrnn_long':
    case 'haste':
      return tf.initializers.zeros();
  }
}

/**
 * The initial `u` of a uniform name, drawn from its range (`uniformRange`: `indrnn` and `indrnn_long` with
 * T = `steps`, their T → ∞ limit when it is absent), or null when `vectorInitializer` already gave it.
 */
export function initialVectorValue(name: VectorRecurrentInitializer, steps: number | undefined, length: number, seed: number | undefined): tf.Tensor | null {
  if (!isUniformInitializer(name)) return null;
  const [low, high] = uniformRange(name, steps ?? null);
  return tf.randomUniform([length], low, high, 'float32', seed);
}

/** `[u, G·u]` made of G identity blocks side by side: the identity initialization of every gate (Le et al. 2015). */
export function gateIdentity(units: number, gates: number): tf.Tensor {
  return tf.tidy(() => tf.tile(tf.eye(units), [1, gates]));
}

/** The initial bias `[G·u]`: zeros with `forgetInit` on the forget gate's block (Keras's unit_forget_bias). */
export function forgetBias(gates: number, forgetGate: number, units: number, forgetInit: number): tf.Tensor {
  const values = new Float32Array(gates * units);
  values.fill(forgetInit, forgetGate * units, (forgetGate + 1) * units);
  return tf.tensor1d(values);
}

/** A constant fill (γ and β initial values, zero population means, unit population variances). */
export function constantInitializer(value: number): Initializer {
  return tf.initializers.constant({ value });
}
