import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { fileHandler } from '../../src/io/index.js';
import { seedRandom } from '../../src/runtime/random.js';
import { resumeRun, type ModelBuilder } from '../../src/train/index.js';
import { captureStreams, sineIr, standInModel } from './fixtures.js';
import { abortAfterChecks, tempDir, train } from './helpers.js';

async function finalWeights(runDir: string): Promise<number[][]> {
  const model = await tf.loadLayersModel(fileHandler(runDir));
  return model.getWeights().map((weight) => Array.from(weight.dataSync()));
}

/** Trains straight through, then again interrupted after `stopAfterBatches` and resumed; compares both. */
async function compareWithResume(ir: ModelIR, buildModel: ModelBuilder, stopAfterBatches: number): Promise<void> {
  const root = await tempDir();
  const straight = await train(ir, root, { buildModel });
  const interrupted = await train(ir, root, { buildModel, signal: abortAfterChecks(stopAfterBatches) });
  expect(interrupted.result.status).toBe('interrupted');
  expect(interrupted.result.message).toContain(`seqnet train --resume ${interrupted.result.runDir}`);
  await expect(access(join(interrupted.result.runDir, 'model.json'))).rejects.toThrow();
  // A fresh process would start the dropout stream elsewhere; the resume must not depend on where.
  seedRandom(12345);
  const capture = captureStreams();
  const resumed = await resumeRun(interrupted.result.runDir, { streams: capture.streams, buildModel });
  expect(resumed.status).toBe('completed');
  expect(capture.out()).toMatch(/^resuming .* at epoch \d+, batch \d+$/m);
  const metricsOf = (history: typeof resumed.history): number[][] => history.map((log) => Object.values(log.metrics));
  expect(resumed.history).toHaveLength(straight.result.history.length);
  metricsOf(resumed.history).forEach((values, epoch) => values.forEach((value, k) => expect(value).toBeCloseTo(metricsOf(straight.result.history)[epoch][k], 5)));
  const expected = await finalWeights(straight.result.runDir);
  const actual = await finalWeights(resumed.runDir);
  actual.forEach((weights, i) => weights.forEach((value, j) => expect(value).toBeCloseTo(expected[i][j], 5)));
}

describe('interrupt and resume', () => {
  it('gives the same losses and final weights as an uninterrupted run (stopped mid-epoch)', async () => {
    // 48 training samples in batches of 16: 3 batches per epoch; stop after batch 2 of epoch 2.
    await compareWithResume(sineIr({ train: { epochs: 3 } }), standInModel, 6);
  });

  it('restores the dropout random stream, schedule and early-stopping state with a compiled seqnet model', async () => {
    const ir = sineIr({
      recurrentDropout: 0.3,
      train: { epochs: 4, schedule: { type: 'plateau', patience: 1, factor: 0.5, minLearningRate: 1e-4 }, earlyStopping: { patience: 10, minDelta: 0, restoreBest: true } },
    });
    await compareWithResume(ir, (model, seed) => compileModel(model, { seed }), 5);
  });

  it('refuses to resume a finished run unless given more epochs', async () => {
    const root = await tempDir();
    const { result } = await train(sineIr({ train: { epochs: 1 } }), root);
    await expect(resumeRun(result.runDir, { streams: captureStreams().streams, buildModel: standInModel })).rejects.toThrow(/already finished \(completed after 1 epochs\); pass --epochs N \(more than that\)/);
    const more = await resumeRun(result.runDir, { epochs: 2, streams: captureStreams().streams, buildModel: standInModel });
    expect(more.history.map((log) => log.epoch)).toEqual([1, 2]);
  });

  it('reports a folder without a checkpoint', async () => {
    await expect(resumeRun(await tempDir())).rejects.toThrow(/has no checkpoint to resume from/);
  });
});
