/**
 * Runs one direction of a recurrent layer over a sequence: everything that does not depend on the recurrence
 * (input dropout, `x·W` for all steps in one matmul, the input norm, the bias) is computed once, time-major,
 * and split once into per-step pieces; only the recurrent part runs in the step loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormWeights } from './norms/types.js';
import type { SeqnetRecurrentConfig } from './config.js';
import { GATE_COUNT } from './config.js';
import { activationFn } from './activations.js';
import { CELLS } from './cells/registry.js';
import { drawDropout } from './dropout.js';
import { CallNorms } from './norms/sites.js';
import type { PopulationRecorder } from './norms/population.js';

/** The variables of one direction. */
export interface DirectionWeights {
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  norms: NormWeights[];
}

export interface DirectionInput {
  /** `[batch, time, features]`, already in processing order (reversed for a backward direction). */
  x: tf.Tensor;
  /** `[batch, time]` validity in the same order, or null. */
  mask: tf.Tensor | null;
  initialState: tf.Tensor[] | null;
  training: boolean;
  /** Whether the per-step outputs are needed (returnSequences), or only the final states. */
  keepOutputs: boolean;
}

export interface DirectionResult {
  /** `[batch, units]` per step in processing order (empty unless `keepOutputs`); padded steps are zeros. */
  outputs: tf.Tensor[];
  /** Final `[h]` or `[h, c]`: the state after the last valid step of each sequence. */
  states: tf.Tensor[];
}

/** `[t·b, w]` (time-major rows) into one `[b, w]` piece per step with a single split. */
function splitSteps(rows: tf.Tensor, steps: number): tf.Tensor[] {
  return steps === 1 ? [rows] : tf.split(rows, steps, 0);
}

export function runDirection(
  config: SeqnetRecurrentConfig,
  weights: DirectionWeights,
  input: DirectionInput,
  population: PopulationRecorder,
): DirectionResult {
  const [batch, steps, features] = input.x.shape as [number, number, number];
  const units = config.units;
  const width = GATE_COUNT[config.cell] * units;
  const norms = new CallNorms(weights.norms, config.cell, units, input.training, population);
  const dropout = drawDropout(config.dropout, input.training, { batch, steps, features, units });
  const x = dropout.input === null ? input.x : tf.mul(input.x, dropout.input);
  const timeMajorX = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, features]);
  let projected = tf.matMul(timeMajorX, weights.kernel.read());
  const timeMajorMask = input.mask === null ? null : tf.reshape(tf.transpose(tf.cast(input.mask, 'float32')), [steps, batch, 1]);
  if (norms.norm('input') !== undefined) {
    const normalized = norms.apply('input', tf.reshape(projected, [steps, batch, width]), null, timeMajorMask);
    projected = tf.reshape(normalized, [steps * batch, width]);
  }
  // The bias joins the precomputed input term unless a `gates` norm sits between the sum and the bias.
  const biasInStep = norms.norm('gates') !== undefined;
  const bias = weights.bias === null ? null : weights.bias.read();
  if (bias !== null && !biasInStep) projected = tf.add(projected, bias);
  const stepInputs = splitSteps(projected, steps);
  const stepMasks = timeMajorMask === null ? null : splitSteps(tf.reshape(timeMajorMask, [steps * batch, 1]), steps);
  const cell = CELLS[config.cell];
  const step = cell.createStep({
    units,
    recurrentKernel: weights.recurrentKernel.read(),
    bias: biasInStep ? bias : null,
    norms,
    dropout,
    activation: activationFn(config.activation),
    recurrentActivation: activationFn(config.recurrentActivation),
    forgetConstant: config.cell === 'lstm' ? config.forgetBias.constant : 0,
    resetAfter: config.cell === 'gru' && config.resetAfter,
    stepMask: (t) => (stepMasks === null ? null : stepMasks[t]),
  });
  let states = input.initialState ?? Array.from({ length: cell.stateCount }, () => tf.zeros([batch, units]));
  const outputs: tf.Tensor[] = [];
  for (let t = 0; t < steps; t += 1) {
    const next = step(t, stepInputs[t], states);
    const valid = stepMasks === null ? null : stepMasks[t];
    // Padded steps carry the state unchanged and output zeros.
    states = valid === null ? next : next.map((state, k) => tf.add(states[k], tf.mul(valid, tf.sub(state, states[k]))));
    if (input.keepOutputs) outputs.push(valid === null ? next[0] : tf.mul(next[0], valid));
  }
  return { outputs, states };
}
