/** Creates the variables of one direction of a recurrent layer, with the contract's names and seeded inits. */
import type { SeqnetRecurrentConfig } from './config.js';
import * as tf from '@tensorflow/tfjs';
import { constantInitializer, forgetBias, initialKernelValue, initialVectorValue, kernelInitializer, vectorInitializer, weightSeed } from './initializers.js';
import { CELL_FACTS, recurrentWeightShape, siteWidth, type MatrixRecurrentInitializer, type VectorRecurrentInitializer } from '../../variants/index.js';
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
  // checkConfig has made sure the name fits the cell's recurrent weight form.
  const { recurrentKernel: recurrentInit, steps } = config.initializers;
  const recurrentKernel =
    facts.recurrentWeight === 'matrix'
      ? seededKernel(addWeight, recurrentName, [config.units, width], recurrentInit as MatrixRecurrentInitializer, gates, seed())
      : seededVector(addWeight, recurrentName, recurrentWeightShape(config.cell, config.units)[0], recurrentInit as VectorRecurrentInitializer, steps, seed());
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

/** A recurrent vector `u` with its initializer's value (`steps`: T of the IndRNN ranges), overwritten as for kernels. */
function seededVector(
  addWeight: WeightFactory,
  name: string,
  length: number,
  initializer: VectorRecurrentInitializer,
  steps: number | undefined,
  seed: number | undefined,
): tf.LayerVariable {
  const variable = addWeight(name, [length], vectorInitializer(initializer, seed), true);
  const value = initialVectorValue(initializer, steps, length, seed);
  if (value !== null) overwrite(variable, value);
  return variable;
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

