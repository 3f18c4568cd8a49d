/** Creates the variables of one direction of a recurrent layer, with the contract's names and seeded inits. */
import type { SeqnetRecurrentConfig } from './config.js';
import * as tf from '@tensorflow/tfjs';
import { constantInitializer, forgetBias, initialKernelValue, kernelInitializer, weightSeed } from './initializers.js';
import type { Initializer } from './initializers.js';
import { CELL_FACTS, recurrentWeightShape, siteWidth } from '../../variants/index.js';
import { normDescriptor } from './norms/registry.js';
import type { WeightFactory } from './norms/types.js';
import type { DirectionWeights } from './sequence.js';

/**
 * `kernel` `[in, G·u]`, `recurrent_kernel` (the cell's recurrent weight: `[u, G·u]`, or `[G·u]` for a vector,
 * `recurrentWeightShape`), `bias` `[G·u]` (if useBias), then each norm site's
 * `<site>_norm/…` in the config's order, every name under `prefix` (`forward/`, `backward/` or none).
 * `nextIndex` numbers the weights in build order so each gets its own seed.
 */
export function createDirectionWeights(
  addWeight: WeightFactory,
  config: SeqnetRecurrentConfig,
  features: number,
  prefix: string,
  nextIndex: () => number,
): DirectionWeights {
  const facts = CELL_FACTS[config.cell];
  const gates = facts.gates.length;
  const width = gates * config.units;
  const seed = () => weightSeed(config.seed, nextIndex());
  const kernel = seededKernel(addWeight, `${prefix}kernel`, [features, width], config.initializers.kernel, gates, seed());
  const recurrentName = `${prefix}recurrent_kernel`;
  const recurrentInit = config.initializers.recurrentKernel;
  const recurrentShape = recurrentWeightShape(config.cell, config.units);
  const recurrentKernel =
    recurrentShape.length === 2
      ? seededKernel(addWeight, recurrentName, [config.units, width], recurrentInit, gates, seed())
      : addWeight(recurrentName, recurrentShape, recurrentVectorInitializer(recurrentInit, seed()), true);
  const bias = config.useBias ? addWeight(`${prefix}bias`, [width], constantInitializer(0), true) : null;
  const forgetInit = facts.forgetGate === null ? 0 : config.forgetBias.init;
  if (bias !== null && facts.forgetGate !== null && forgetInit !== 0) overwrite(bias, forgetBias(gates, facts.forgetGate, config.units, forgetInit));
  const prefixed: WeightFactory = (name, shape, init, trainable) => addWeight(`${prefix}${name}`, shape, init, trainable);
  const norms = config.norms.map((norm) =>
    normDescriptor(norm.kind).createWeights(prefixed, norm.site, siteWidth(config.cell, norm.site, config.units), norm),
  );
  return { kernel, recurrentKernel, bias, norms };
}

/** A kernel variable with its initializer's value, overwritten where tfjs's initializers fall short. */
function seededKernel(
  addWeight: WeightFactory,
  name: string,
  shape: [number, number],
  initializer: Parameters<typeof kernelInitializer>[0],
  gates: number,
  seed: number | undefined,
): tf.LayerVariable {
  const variable = addWeight(name, shape, kernelInitializer(initializer, seed), true);
  const value = initialKernelValue(initializer, shape, gates, seed);
  if (value !== null) overwrite(variable, value);
  return variable;
}

/**
 * The initializer of a recurrent weight vector `u` (one weight per unit). A vector has no orthogonal form, so
 * `orthogonal` (the default) gives haste's IndRNN default, uniform in [−0.5, 0.5]; `identity` gives u = 1 (the
 * identity matrix's diagonal: each unit carries its state over unchanged); the glorot names are tfjs's, whose
 * fans for a vector of n are both √n.
 */
function recurrentVectorInitializer(name: SeqnetRecurrentConfig['initializers']['recurrentKernel'], seed: number | undefined): Initializer {
  switch (name) {
    case 'orthogonal':
      return tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });
    case 'identity':
      return constantInitializer(1);
    case 'glorot_uniform':
    case 'glorot_normal':
      return kernelInitializer(name, seed);
  }
}

/** Replaces a fresh variable's value (initial values tfjs's initializers cannot express). */
function overwrite(variable: tf.LayerVariable, value: tf.Tensor): void {
  variable.write(value);
  value.dispose();
}

/** Numbers the layer's weights in build order (0, 1, …), the index each weight's seed is derived from. */
export function counter(): () => number {
  let next = 0;
  return () => next++;
}

