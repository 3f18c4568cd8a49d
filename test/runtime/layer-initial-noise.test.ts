/**
 * Initial-state noise (`initial_noise hidden|cell STD`, Cooijmans et al. 2016) seen through the layer. Probes
 * whose first step reads back the initial state exactly: a linear IndRNN with `W = 0`, `u = 1` and no bias
 * outputs `h_1 = h_0` (the step loop); an LSTM with `W = U = 0` and no bias has `c_1 = σ(0)·c_0 + σ(0)·tanh(0) =
 * c_0 / 2` and a GRU `h_1 = σ(0)·h_0 = h_0 / 2` (both on the fused op in training on cpu). With those: per
 * example and unit N(0, σ²) draws in training (moments on 32 000 draws), different per direction and per call,
 * the same for the same seed, and at inference exactly the zero-state result; the settings survive save/load.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellKind } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { SeqnetRecurrent, type SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { fusedPlanFor } from '../../src/runtime/recurrent/fused/registry.js';
import { heapLoopSupports } from '../../src/runtime/recurrent/heap/run.js';
import { batchNormAt, NO_DROPOUT, plainConfig, sequenceInput } from './layer-fixtures.js';

const UNITS = 16;
const BATCH = 2000;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function noisy(cell: CellKind, noise: { hidden: number; cell: number }, overrides: Partial<SeqnetRecurrentConfig> = {}): SeqnetRecurrentConfig {
  return plainConfig(cell, UNITS, { activation: 'linear', useBias: false, dropout: { ...NO_DROPOUT, initialNoise: noise }, returnSequences: false, returnState: true, ...overrides });
}

/** The layer with every weight 0, except the IndRNN's recurrent vector u = 1. */
function probe(config: SeqnetRecurrentConfig): SeqnetRecurrent {
  const layer = new SeqnetRecurrent(config);
  layer.apply(tf.zeros([1, 1, 1]));
  layer.setWeights(layer.weights.map((weight) => (config.cell === 'indrnn' && /recurrent_kernel$/.test(weight.originalName) ? tf.ones(weight.shape as number[]) : tf.zeros(weight.shape as number[]))));
  return layer;
}

/** The states after one step of zero input: `[output, h, c?]` per the layer's `returnState`. */
function firstStep(layer: SeqnetRecurrent, training: boolean, batch = BATCH): number[][][] {
  return tf.tidy(() => (layer.apply(tf.zeros([batch, 1, 1]), { training }) as tf.Tensor[]).map((tensor) => tensor.arraySync() as number[][]));
}

function moments(values: number[]): { mean: number; std: number; withinOneStd: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  return { mean, std, withinOneStd: values.filter((v) => Math.abs(v - mean) < std).length / values.length };
}

/**
 * N(0, σ²) on 32 000 draws: the sample mean has standard deviation σ/179 and the sample std σ/253, so the bounds
 * below are about 5 standard deviations; a Gaussian puts 68.3 % within one σ (± 0.26 %; bound 1.5 %), a uniform
 * of the same σ 57.7 %. The seeded stream makes each check one fixed draw.
 */
function expectGaussian(values: number[], sigma: number): void {
  const { mean, std, withinOneStd } = moments(values);
  expect(Math.abs(mean)).toBeLessThan(0.028 * sigma);
  expect(Math.abs(std / sigma - 1)).toBeLessThan(0.02);
  expect(Math.abs(withinOneStd - 0.6827)).toBeLessThan(0.015);
}

describe('initial-state noise', () => {
  it('draws h_0 ~ N(0, σ²) per example and unit in training (IndRNN, step loop)', () => {
    seedRandom(21);
    const [output] = firstStep(probe(noisy('indrnn', { hidden: 0.1, cell: 0 })), true);
    expectGaussian(output.flat(), 0.1);
    // Every example its own draw: no two rows alike, and neighbouring examples uncorrelated.
    expect(new Set(output.map((row) => row.join(','))).size).toBe(BATCH);
    const pairs = output.slice(1).flatMap((row, b) => row.map((v, u) => v * output[b][u]));
    expect(Math.abs(pairs.reduce((sum, v) => sum + v, 0) / pairs.length)).toBeLessThan(0.028 * 0.01);
  });

  it('draws c_0 and h_0 with their own σ (LSTM and GRU, fused op)', () => {
    // tanh: the fused loops' activations (g = tanh(0) = 0 and the GRU's candidate tanh(0) = 0 all the same).
    const lstm = noisy('lstm', { hidden: 0, cell: 0.2 }, { activation: 'tanh' });
    const gru = noisy('gru', { hidden: 0.3, cell: 0 }, { activation: 'tanh' });
    expect(fusedPlanFor(lstm)).not.toBeNull();
    expect(fusedPlanFor(gru)).not.toBeNull();
    seedRandom(22);
    const [, , c] = firstStep(probe(lstm), true);
    expectGaussian(c.flat().map((v) => 2 * v), 0.2);
    const [h] = firstStep(probe(gru), true);
    expectGaussian(h.flat().map((v) => 2 * v), 0.3);
    // Only the state named gets noise: with σ_c = 0 (and U = 0) the LSTM's c_1 is exactly 0.
    const [, , quiet] = firstStep(probe(noisy('lstm', { hidden: 0.2, cell: 0 })), true, 8);
    expect(quiet.flat().every((v) => v === 0)).toBe(true);
  });

  it('draws anew per call and per direction, and the same again from the same seed', () => {
    const layer = probe(noisy('indrnn', { hidden: 0.5, cell: 0 }, { bidirectional: { merge: 'concat' }, returnState: false }));
    const call = () => tf.tidy(() => (layer.apply(tf.zeros([8, 1, 1]), { training: true }) as tf.Tensor).arraySync() as number[][]);
    seedRandom(5);
    const first = call();
    const second = call();
    seedRandom(5);
    const again = call();
    expect(again).toEqual(first);
    expect(second.flat().every((v, k) => v !== first.flat()[k])).toBe(true);
    // Concatenated outputs: forward units, then backward units, each its own h_0.
    expect(first.every((row) => row.slice(0, UNITS).every((v, u) => v !== row[UNITS + u]))).toBe(true);
  });

  it('leaves inference exactly the zero-state result, on the heap loop too', async () => {
    const base = plainConfig('lstm', 4, { norms: [batchNormAt('input', 'per_step', 6), batchNormAt('recurrent', 'per_step', 6)] });
    const withNoise = { ...base, dropout: { ...NO_DROPOUT, initialNoise: { hidden: 0.1, cell: 0.1 } } };
    expect(heapLoopSupports(withNoise)).toBe(true);
    const x = sequenceInput(3, 6, 2, 9);
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const plain = new SeqnetRecurrent(base);
      const noise = new SeqnetRecurrent(withNoise);
      plain.apply(x);
      noise.apply(x);
      noise.setWeights(plain.getWeights());
      const expected = (plain.apply(x) as tf.Tensor).arraySync();
      expect((noise.apply(x) as tf.Tensor).arraySync(), backend).toEqual(expected);
      // And the noise does act in training, where the first steps' statistics see it.
      seedRandom(3);
      const trained = (noise.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][][];
      seedRandom(3);
      expect((plain.apply(x, { training: true }) as tf.Tensor).arraySync()).not.toEqual(trained);
    }
    await tf.setBackend('cpu');
  });

  it('rejects a negative or non-finite σ and a c_0 σ without c, and keeps the setting through save and load', async () => {
    const config = (hidden: number) => noisy('lstm', { hidden, cell: 0.05 });
    expect(() => new SeqnetRecurrent(config(-0.1))).toThrow(/initial noise standard deviations must be finite and ≥ 0/);
    expect(() => new SeqnetRecurrent(config(Number.POSITIVE_INFINITY))).toThrow(/initial noise/);
    expect(() => new SeqnetRecurrent(noisy('gru', { hidden: 0.1, cell: 0.1 }))).toThrow(/a 'gru' cell has no c state for initial noise/);
    const input = tf.input({ shape: [3, 1] });
    const model = tf.model({ inputs: input, outputs: new SeqnetRecurrent({ ...config(0.1), returnState: false }).apply(input) as tf.SymbolicTensor });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    const layer = loaded.layers.find((candidate) => candidate instanceof SeqnetRecurrent) as SeqnetRecurrent;
    expect(layer.getConfig().dropout).toMatchObject({ initialNoise: { hidden: 0.1, cell: 0.05 } });
  });
});
