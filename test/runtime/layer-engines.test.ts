/**
 * The fused LSTM, GRU and RNN loops (normalized, and with variational recurrent dropout, weight drop and initial-state noise) against the step loop (the same layer with the fused op switched off):
 * outputs in training and at inference, every gradient, and the population statistics a training call leaves.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { CELL_KINDS, hasGates, NORM_FACTS, NORM_KINDS } from '../../src/variants/index.js';
import { makeNorm } from '../helpers/recurrent.js';
import { NO_DROPOUT, batchNormAt, layerNormAt, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

const BATCH = { statistics: 'per_step' as const, maxSteps: 3, momentum: 0.5 };

const fused = await import('../../src/runtime/recurrent/index.js');
vi.resetModules();
vi.doMock('../../src/runtime/recurrent/fused/registry.js', () => ({ fusedPlanFor: () => null }));
const stepLoop = await import('../../src/runtime/recurrent/index.js');
// Two module instances: the second one was loaded with the fused op switched off.
if (stepLoop.SeqnetRecurrent === fused.SeqnetRecurrent) throw new Error('the step-loop instance was not reloaded');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONFIGS: Record<string, SeqnetRecurrentConfig> = {
  'Ba et al. LN': plainConfig('lstm', 4, { norms: [layerNormAt('input'), layerNormAt('recurrent'), layerNormAt('cell')] }),
  'Cooijmans et al. BN': plainConfig('lstm', 4, {
    norms: [batchNormAt('input', 'per_step', 3), batchNormAt('recurrent', 'per_step', 3), batchNormAt('cell', 'per_step', 3)],
  }),
  'TF1 contrib (per-gate LN of the gates, carried ĉ)': plainConfig('lstm', 4, {
    useBias: false,
    forgetBias: { init: 0, constant: 1 },
    norms: [layerNormAt('gates', 'per_gate'), layerNormAt('cell', 'all', true)],
  }),
  'RMS hidden, grouped recurrent RMS, shared input BN': plainConfig('lstm', 4, {
    recurrentActivation: 'hard_sigmoid',
    norms: [
      batchNormAt('input', 'shared'),
      { ...layerNormAt('recurrent', 'gates_and_candidate'), kind: 'rms' },
      { ...layerNormAt('hidden'), kind: 'rms', center: false },
    ],
  }),
  'Ba et al. LN-GRU (reset after, gates and candidate apart)': plainConfig('gru', 4, {
    resetAfter: true,
    norms: [layerNormAt('input', 'gates_and_candidate'), layerNormAt('recurrent', 'gates_and_candidate')],
  }),
  'GRU, reset first: per-step BN of input and recurrent spans, per-gate LN gates, RMS hidden': plainConfig('gru', 4, {
    norms: [batchNormAt('input', 'per_step', 3), batchNormAt('recurrent', 'per_step', 3), layerNormAt('gates', 'per_gate'), { ...layerNormAt('hidden'), kind: 'rms', center: false }],
  }),
  'GRU, reset after: per-step BN recurrent, grouped LN gates, hard sigmoid, no bias': plainConfig('gru', 4, {
    resetAfter: true,
    useBias: false,
    recurrentActivation: 'hard_sigmoid',
    norms: [batchNormAt('recurrent', 'per_step', 3), layerNormAt('gates', 'gates_and_candidate'), layerNormAt('hidden')],
  }),
  'RNN: per-step BN input, LN recurrent, RMS gates, LN hidden': plainConfig('rnn', 4, {
    norms: [batchNormAt('input', 'per_step', 3), layerNormAt('recurrent'), { ...layerNormAt('gates'), kind: 'rms', center: false }, layerNormAt('hidden')],
  }),
  'RNN: per-step BN recurrent and hidden, no bias': plainConfig('rnn', 4, {
    useBias: false,
    norms: [batchNormAt('recurrent', 'per_step', 3), { ...batchNormAt('hidden', 'per_step', 3), center: true }],
  }),
  // Variational recurrent dropout: both instances draw the same mask (same seed stream, same call order).
  'plain LSTM, recurrent dropout': plainConfig('lstm', 4, { dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } } }),
  'LN-LSTM, recurrent dropout': plainConfig('lstm', 4, {
    norms: [layerNormAt('input'), layerNormAt('recurrent'), layerNormAt('cell')],
    dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } },
  }),
  'plain GRU, reset first, recurrent dropout': plainConfig('gru', 4, { dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } } }),
  'plain GRU, reset after, recurrent dropout': plainConfig('gru', 4, { resetAfter: true, dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } } }),
  'LN-GRU reset first, recurrent and per-step input dropout': plainConfig('gru', 4, {
    norms: [layerNormAt('recurrent', 'gates_and_candidate'), layerNormAt('gates', 'per_gate')],
    dropout: { ...NO_DROPOUT, input: { rate: 0.2, mask: 'step' }, recurrent: { rate: 0.4 } },
  }),
  'LN-GRU reset after, recurrent dropout': plainConfig('gru', 4, {
    resetAfter: true,
    norms: [layerNormAt('input', 'gates_and_candidate'), layerNormAt('recurrent', 'gates_and_candidate')],
    dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } },
  }),
  'normalized RNN, recurrent dropout': plainConfig('rnn', 4, { norms: [layerNormAt('hidden')], dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } } }),
  'plain RNN, recurrent dropout': plainConfig('rnn', 4, { dropout: { ...NO_DROPOUT, recurrent: { rate: 0.4 } } }),
  // Candidate dropout and zoneout: per-step masks drawn once per call, the same in both instances.
  'plain LSTM, per-step candidate dropout and zoneout of c and h': plainConfig('lstm', 4, {
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'step' }, zoneout: { cell: 0.3, hidden: 0.2 } },
  }),
  'plain LSTM, per-sequence candidate dropout, recurrent dropout': plainConfig('lstm', 4, {
    dropout: { ...NO_DROPOUT, recurrent: { rate: 0.3 }, candidate: { rate: 0.3, mask: 'sequence' } },
  }),
  'TF1 contrib LN-LSTM (carried ĉ), per-step candidate dropout': plainConfig('lstm', 4, {
    forgetBias: { init: 0, constant: 1 },
    norms: [layerNormAt('gates', 'per_gate'), layerNormAt('cell', 'all', true)],
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'step' } },
  }),
  'BN-LSTM with zoneout of c and h, LN hidden': plainConfig('lstm', 4, {
    norms: [batchNormAt('recurrent', 'per_step', 3), layerNormAt('cell'), layerNormAt('hidden')],
    dropout: { ...NO_DROPOUT, zoneout: { cell: 0.3, hidden: 0.2 } },
  }),
  'plain GRU, reset first, per-step candidate dropout and zoneout': plainConfig('gru', 4, {
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'step' }, zoneout: { cell: 0, hidden: 0.3 } },
  }),
  'plain GRU, reset after, per-sequence candidate dropout, recurrent dropout': plainConfig('gru', 4, {
    resetAfter: true,
    dropout: { ...NO_DROPOUT, recurrent: { rate: 0.3 }, candidate: { rate: 0.3, mask: 'sequence' } },
  }),
  'LN-GRU, RMS hidden, candidate dropout and zoneout': plainConfig('gru', 4, {
    resetAfter: true,
    norms: [layerNormAt('recurrent', 'gates_and_candidate'), { ...layerNormAt('hidden'), kind: 'rms', center: false }],
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'step' }, zoneout: { cell: 0, hidden: 0.3 } },
  }),
  'plain RNN, candidate dropout and zoneout': plainConfig('rnn', 4, {
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'step' }, zoneout: { cell: 0, hidden: 0.3 } },
  }),
  'LN-RNN (hidden), candidate dropout and zoneout': plainConfig('rnn', 4, {
    norms: [layerNormAt('recurrent'), layerNormAt('hidden')],
    dropout: { ...NO_DROPOUT, candidate: { rate: 0.3, mask: 'sequence' }, zoneout: { cell: 0, hidden: 0.3 } },
  }),
  // Every cell × norm kind of the registries, so a new variant is compared here by itself.
  ...Object.fromEntries(
    CELL_KINDS.flatMap((cell) =>
      NORM_KINDS.map((kind) => {
        const norms = [makeNorm('recurrent', kind, { groups: hasGates(cell) ? 'gates_and_candidate' : 'all', batch: NORM_FACTS[kind].batchStatistics ? BATCH : null }), makeNorm('hidden', kind)];
        return [`registry: ${cell} with ${kind} norm at recurrent and hidden, recurrent dropout`, plainConfig(cell, 4, { norms, dropout: { ...NO_DROPOUT, recurrent: { rate: 0.3 } } })];
      }),
    ),
  ),
  // Weight drop: the fused op gets the masked U (both instances draw the same mask from the seed stream).
  ...Object.fromEntries(
    CELL_KINDS.map((cell) => [
      `registry: ${cell}, weight drop with LN at recurrent`,
      plainConfig(cell, 4, { norms: [layerNormAt('recurrent', hasGates(cell) ? 'gates_and_candidate' : 'all')], dropout: { ...NO_DROPOUT, recurrentWeights: { rate: 0.4 } } }),
    ]),
  ),
  // Initial-state noise: the fused op gets the noisy initial states (both instances draw the same noise).
  ...Object.fromEntries(
    CELL_KINDS.map((cell) => [
      `registry: ${cell}, initial-state noise with per-step BN at recurrent`,
      plainConfig(cell, 4, {
        norms: [makeNorm('recurrent', 'batch', { groups: hasGates(cell) ? 'gates_and_candidate' : 'all', batch: BATCH })],
        dropout: { ...NO_DROPOUT, initialNoise: { hidden: 0.3, cell: cell === 'lstm' ? 0.2 : 0 } },
      }),
    ]),
  ),
};

function maxAbs(t: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
}

/** Outputs, gradients and (after the call) all weights of one layer in a training call. */
function trainingCall(layer: tf.layers.Layer, x: tf.Tensor, mask: tf.Tensor) {
  const projection = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 6);
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true, mask }) as tf.Tensor, projection)) as tf.Scalar, variables);
  return { value, grads: variables.map((v) => grads[v.name]), weights: layer.getWeights() };
}

describe('fused cells equal the step loop', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(name, () => {
      const x = sequenceInput(3, 5, 2, 3);
      const mask = tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 1, 1, 0]]);
      const a = new fused.SeqnetRecurrent(config);
      const b = new stepLoop.SeqnetRecurrent(config);
      a.apply(x);
      b.apply(x);
      b.setWeights(a.getWeights().map((w, i) => (a.weights[i].trainable ? tf.add(w, tf.randomNormal(w.shape, 0, 0.2, 'float32', 100 + i)) : w)));
      a.setWeights(b.getWeights());
      const fromFused = trainingCall(a, x, mask);
      const fromLoop = trainingCall(b, x, mask);
      // The fused loop does its arithmetic in float64, the step loop in float32: compare relative to each size.
      expect(maxDifference(fromFused.value, fromLoop.value)).toBeLessThan(1e-4 * Math.max(1, maxAbs(fromLoop.value)));
      fromFused.grads.forEach((gradient, i) => {
        const expected = fromLoop.grads[i];
        expect(maxDifference(gradient, expected), a.trainableWeights[i].name).toBeLessThan(1e-4 * Math.max(1, maxAbs(expected)));
      });
      fromFused.weights.forEach((weight, i) => expect(maxDifference(weight, fromLoop.weights[i]), a.weights[i].name).toBeLessThan(1e-5));
      expect(maxDifference(a.apply(x, { mask }) as tf.Tensor, b.apply(x, { mask }) as tf.Tensor)).toBeLessThan(1e-5);
    });
  }
});
