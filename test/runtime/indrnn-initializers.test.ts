/**
 * The IndRNN's recurrent vector u and the initializer names it takes (src/variants/initializers.ts): Li et al.'s
 * `indrnn` U(0, 2^(1/T)) and `indrnn_long` U(2^(−1/T), 2^(1/T)), haste's U(−0.5, 0.5), `identity` u = 1; each
 * seeded and deterministic, none substituted for a name that does not fit, and T kept through save and load.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import type { RecurrentInitializer } from '../../src/variants/index.js';
import { plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Enough units that a uniform draw's minimum, maximum and mean sit close to the range's. */
const UNITS = 2000;

function initialU(recurrentKernel: RecurrentInitializer, steps: number | undefined, seed = 3, cell: 'indrnn' | 'lstm' = 'indrnn'): number[] {
  const initializers: SeqnetRecurrentConfig['initializers'] = { kernel: 'glorot_uniform', recurrentKernel, bias: 'zeros', ...(steps === undefined ? {} : { steps }) };
  const layer = new SeqnetRecurrent(plainConfig(cell, UNITS, { activation: 'relu', initializers, seed }));
  layer.apply(sequenceInput(1, 2, 1));
  const recurrent = layer.weights.find((weight) => weight.originalName.endsWith('recurrent_kernel'));
  const values = Array.from(recurrent?.read().dataSync() ?? []);
  layer.dispose();
  return values;
}

/** Every value in [low, high], and the draw spread over all of it: min and max near the ends, mean near the middle. */
function expectUniform(values: number[], low: number, high: number): void {
  const width = high - low;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  expect(values.length).toBe(UNITS);
  expect(min).toBeGreaterThanOrEqual(Math.fround(low));
  expect(max).toBeLessThanOrEqual(Math.fround(high));
  expect(min).toBeLessThan(low + 0.01 * width);
  expect(max).toBeGreaterThan(high - 0.01 * width);
  // The mean of 2000 uniform draws has a standard deviation of width / √24000 ≈ 0.0065·width.
  expect(Math.abs(mean - (low + high) / 2)).toBeLessThan(0.04 * width);
}

describe('IndRNN recurrent initializers', () => {
  it('indrnn: uniform in [0, 2^(1/T)] with T the sequence length (Li et al. 2018, MAG = 2)', () => {
    expectUniform(initialU('indrnn', 784), 0, Math.pow(2, 1 / 784));
    expectUniform(initialU('indrnn', 5), 0, Math.pow(2, 1 / 5));
  });

  it('indrnn without T (variable steps): the T → ∞ limit, uniform in [0, 1]', () => {
    expectUniform(initialU('indrnn', undefined), 0, 1);
  });

  it("indrnn_long: uniform in [2^(−1/T), 2^(1/T)], the authors' last layer", () => {
    const values = initialU('indrnn_long', 4);
    expectUniform(values, Math.pow(0.5, 1 / 4), Math.pow(2, 1 / 4));
    // Every unit keeps a long memory: over T steps |u|^T stays within [1/2, 2].
    for (const u of values) expect(Math.pow(u, 4)).toBeGreaterThanOrEqual(0.5 - 1e-6);
  });

  it("haste: uniform in [−0.5, 0.5], haste's IndRNN default", () => {
    expectUniform(initialU('haste', undefined), -0.5, 0.5);
  });

  it('identity: u = 1, every unit carries its state over unchanged', () => {
    expect(new Set(initialU('identity', undefined))).toEqual(new Set([1]));
  });

  it('is seeded: the same seed gives the same u, another seed another', () => {
    for (const name of ['indrnn', 'indrnn_long', 'haste'] as const) {
      expect(initialU(name, 10, 5), name).toEqual(initialU(name, 10, 5));
      expect(initialU(name, 10, 5), name).not.toEqual(initialU(name, 10, 6));
    }
  });

  it('rejects a name that does not fit the weight rather than substituting another', () => {
    expect(() => initialU('orthogonal', undefined)).toThrow(/'orthogonal' does not fit the recurrent vector of a 'indrnn' cell; use one of: .*indrnn, indrnn_long, haste/);
    expect(() => initialU('indrnn', 10, 3, 'lstm')).toThrow(/'indrnn' does not fit the recurrent matrix of a 'lstm' cell/);
    expect(() => initialU('indrnn', 0)).toThrow(/initializers.steps must be a positive integer, got 0/);
  });

  it('keeps the name and T through getConfig and a saved model (tfjs camel-cases indrnn_long on load)', async () => {
    const initializers = { kernel: 'glorot_uniform', recurrentKernel: 'indrnn_long', bias: 'zeros', steps: 6 } as const;
    const layer = new SeqnetRecurrent(plainConfig('indrnn', 3, { name: 'ind', activation: 'relu', initializers, inputShape: [6, 2] }));
    const model = tf.sequential({ layers: [layer] });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as unknown as tf.io.ModelArtifacts));
    const restored = loaded.layers[0] as SeqnetRecurrent;
    expect(restored.config.initializers).toEqual(initializers);
    expect(Array.from(restored.getWeights()[1].dataSync())).toEqual(Array.from(layer.getWeights()[1].dataSync()));
    model.dispose();
    loaded.dispose();
  });
});
