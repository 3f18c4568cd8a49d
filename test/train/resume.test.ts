import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import type { ModelIR, OptimizerIR } from '../../src/ir/types.js';
import { commitFiles, fileHandler } from '../../src/io/index.js';
import { seedRandom } from '../../src/runtime/random.js';
import { resumeRun, RunFileError, type ModelBuilder, type RunInfo } from '../../src/train/index.js';
import { captureStreams, sineIr, standInModel } from './fixtures.js';
import { abortAfterChecks, readJson, tempDir, train } from './helpers.js';

const compiled: ModelBuilder = (model, seed) => compileModel(model, { seed });

/** The final weights file's bytes: float32 values exactly as trained. */
const weightBytes = async (runDir: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(runDir, 'weights.bin')));

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

  it('restores the stream the initial-state noise is drawn from (compiled seqnet model)', async () => {
    const base = sineIr({ train: { epochs: 3 } });
    const noisy: ModelIR = {
      ...base,
      layers: base.layers.map((layer) => (layer.type === 'recurrent' ? { ...layer, dropout: { ...layer.dropout, initialNoise: { hidden: 0.5, cell: 0.5 } } } : layer)),
    };
    await compareWithResume(noisy, compiled, 5);
  });

  const optimizers: [string, OptimizerIR][] = [
    ['adam', { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }],
    ['sgd', { type: 'sgd', learningRate: 0.05, momentum: 0, nesterov: false }],
    ['sgd with momentum', { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: false }],
    ['sgd with nesterov momentum', { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true }],
    ['rmsprop with momentum', { type: 'rmsprop', learningRate: 0.005, decay: 0.9, momentum: 0.5, epsilon: 1e-7 }],
  ];
  it.each(optimizers)('ends with byte-identical weights after an interruption with %s (compiled seqnet model)', async (_name, optimizer) => {
    const ir = sineIr({ recurrentDropout: 0.2, train: { epochs: 3, batchSize: 4, optimizer } });
    const root = await tempDir();
    const straight = await train(ir, root, { buildModel: compiled });
    // 12 batches per epoch: stop after batch 8 of epoch 2, at step 20; from step 18 on, tfjs's pow(β₂, t + 1)
    // and Adam's running float32 product β₂·β₂·… differ in their last bits.
    const interrupted = await train(ir, root, { buildModel: compiled, signal: abortAfterChecks(20) });
    expect(interrupted.result.status).toBe('interrupted');
    seedRandom(987);
    const resumed = await resumeRun(interrupted.result.runDir, { streams: captureStreams().streams, buildModel: compiled });
    expect(resumed.status).toBe('completed');
    expect(await weightBytes(resumed.runDir)).toEqual(await weightBytes(straight.result.runDir));
  });

  it('starts a run over from its first batch when it was stopped before its first checkpoint, with the same result', async () => {
    const ir = sineIr({ train: { epochs: 2 } });
    const root = await tempDir();
    const straight = await train(ir, root);
    const stopped = await train(ir, root, { signal: abortAfterChecks(1) });
    // As if killed before the first checkpoint was swapped in.
    await rm(join(stopped.result.runDir, 'checkpoint'), { recursive: true });
    const capture = captureStreams();
    const resumed = await resumeRun(stopped.result.runDir, { streams: capture.streams, buildModel: standInModel });
    expect(capture.out()).toContain('from its start (it was stopped before its first checkpoint)');
    expect(await weightBytes(resumed.runDir)).toEqual(await weightBytes(straight.result.runDir));
  });

  it('refuses to resume a run that a live process is training, and a checkpoint file that was changed', async () => {
    const root = await tempDir();
    const { result } = await train(sineIr({ train: { epochs: 2 } }), root, { signal: abortAfterChecks(2) });
    const info = await readJson<RunInfo>(join(result.runDir, 'run.json'));
    // The parent process (the test runner) is alive and is not this one.
    await commitFiles(result.runDir, { 'run.json': JSON.stringify({ ...info, status: 'running', pid: process.ppid }) });
    await expect(resumeRun(result.runDir, { streams: captureStreams().streams, buildModel: standInModel })).rejects.toThrow(`is being trained right now (process ${process.ppid})`);
    await commitFiles(result.runDir, { 'run.json': JSON.stringify({ ...info, status: 'interrupted' }) });
    const state = join(result.runDir, 'checkpoint', 'state.json');
    await writeFile(state, (await readFile(state, 'utf8')).replace('"batch": 2', '"batch": 1'));
    const refused = resumeRun(result.runDir, { streams: captureStreams().streams, buildModel: standInModel });
    await expect(refused).rejects.toThrow(RunFileError);
    await expect(refused).rejects.toThrow(/checkpoint\/state\.json: does not match manifest\.json/);
  });

  it('refuses to resume a finished run unless given more epochs', async () => {
    const root = await tempDir();
    const { result } = await train(sineIr({ train: { epochs: 1 } }), root);
    await expect(resumeRun(result.runDir, { streams: captureStreams().streams, buildModel: standInModel })).rejects.toThrow(/already finished \(completed after 1 epochs\); pass --epochs N \(more than that\)/);
    const more = await resumeRun(result.runDir, { epochs: 2, streams: captureStreams().streams, buildModel: standInModel });
    expect(more.history.map((log) => log.epoch)).toEqual([1, 2]);
  });

  it('reports a folder that is not a run directory', async () => {
    await expect(resumeRun(await tempDir())).rejects.toThrow(/is not a run directory \(no manifest\.json\), so there is nothing to resume/);
  });
});
