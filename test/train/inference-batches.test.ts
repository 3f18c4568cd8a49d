/**
 * Inference batch by batch (src/train/batches.ts `batchDataset`, `predictInBatches`, used so that each batch can
 * be one of the matmul helper's timed units): the same loss and metrics as `model.evaluate` and the same outputs
 * as `model.predict` at the same batch size, bit for bit, with one unit per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { WorkUnits } from '../../src/backend/unit-policy.js';
import type { SampleSet } from '../../src/data/index.js';
import { predictInBatches, wholeSet } from '../../src/train/batches.js';
import { evaluateSet } from '../../src/train/loop.js';

/** 300 samples of 5 steps × 3 features, a 2-unit target: three evaluation batches of 128, the last of 44. */
function set(): SampleSet {
  const count = 300;
  const x = Float32Array.from({ length: count * 5 * 3 }, (_, i) => Math.sin(i * 0.37));
  const y = Float32Array.from({ length: count * 2 }, (_, i) => Math.cos(i * 0.11));
  return { count, steps: 5, features: 3, targetShape: [2], x, y, naive: null };
}

function model(): tf.LayersModel {
  const m = tf.sequential({ layers: [tf.layers.lstm({ units: 6, inputShape: [5, 3], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) }), tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })] });
  m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['mae'] });
  return m;
}

/** Counts the units begun and ended. */
function counting(): WorkUnits & { begun: number; ended: number } {
  const units = { begun: 0, ended: 0, begin: () => void (units.begun += 1), end: () => void (units.ended += 1) };
  return units;
}

describe('inference batch by batch', () => {
  it('evaluates to the bits of model.evaluate, one unit per batch', async () => {
    await tf.setBackend('cpu');
    const m = model();
    const samples = set();
    const whole = wholeSet(samples);
    const reference = (m.evaluate(whole.x, whole.y, { batchSize: 128 }) as tf.Scalar[]).map((scalar) => scalar.dataSync()[0]);
    const units = counting();
    // Batch size 100: evaluated in batches of 128 (evaluationBatchSize's minimum).
    expect(await evaluateSet(m, samples, 100, units)).toEqual(reference);
    expect(units).toMatchObject({ begun: 3, ended: 3 });
    tf.dispose([whole.x, whole.y]);
    m.dispose();
  });

  it('predicts the outputs of model.predict, one unit per batch', () => {
    const m = model();
    const whole = wholeSet(set());
    const reference = (m.predict(whole.x, { batchSize: 128 }) as tf.Tensor).dataSync();
    const units = counting();
    const output = predictInBatches(m, whole.x, 128, units);
    expect(output.shape).toEqual([300, 2]);
    expect(Array.from(output.dataSync())).toEqual(Array.from(reference));
    expect(units).toMatchObject({ begun: 3, ended: 3 });
    tf.dispose([whole.x, whole.y, output]);
    m.dispose();
  });
});
