import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileHandler } from '../../src/io/index.js';
import type { EpochLog, RunInfo } from '../../src/train/index.js';
import { sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

describe('run directory', () => {
  it('writes spec, IR, preprocessing, history, curves, checkpoint and a loadable model into runs/NAME/N', async () => {
    const root = await tempDir();
    const { result, out } = await train(sineIr({ train: { epochs: 2 } }), root);
    expect(result.runDir).toBe(join(root, 'runs', 'tiny_sine', '1'));
    expect((await readdir(result.runDir)).sort()).toEqual(
      ['checkpoint', 'curves.svg', 'history.json', 'ir.json', 'manifest.json', 'model.json', 'preprocessing.json', 'run.json', 'spec.seqnet', 'weights.bin'],
    );
    expect((await readdir(join(result.runDir, 'checkpoint'))).sort()).toEqual(
      ['manifest.json', 'model.json', 'optimizer.bin', 'optimizer.json', 'state.json', 'weights.bin'],
    );
    // The manifest lists every other file with its size and SHA-256, and nothing else.
    const manifest = await readJson<{ files: Record<string, { size: number; sha256: string }> }>(join(result.runDir, 'manifest.json'));
    expect(Object.keys(manifest.files).sort()).toEqual(['curves.svg', 'history.json', 'ir.json', 'model.json', 'preprocessing.json', 'run.json', 'spec.seqnet', 'weights.bin']);
    const weights = await readFile(join(result.runDir, 'weights.bin'));
    expect(manifest.files['weights.bin']).toEqual({ size: weights.byteLength, sha256: createHash('sha256').update(weights).digest('hex') });
    expect(await readFile(join(result.runDir, 'spec.seqnet'), 'utf8')).toBe('# spec text\n');
    const history = await readJson<EpochLog[]>(join(result.runDir, 'history.json'));
    expect(history.map((log) => log.epoch)).toEqual([1, 2]);
    expect(Object.keys(history[0].metrics)).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    const info = await readJson<RunInfo>(join(result.runDir, 'run.json'));
    expect(info.status).toBe('completed');
    expect(info.pid).toBeUndefined();
    expect(Object.keys(info.test ?? {})).toEqual(['loss', 'mae']);
    expect(out).toMatch(/^backend: /m);
    expect(out).toMatch(/^epoch 2\/2 · loss [\d.]+ · mae [\d.]+ · val_loss [\d.]+ · val_mae [\d.]+ · lr 0\.0100 · [\d.]+ s$/m);
    const model = await tf.loadLayersModel(fileHandler(result.runDir));
    expect(model.outputs[0].shape).toEqual([null, 12, 1]);
  });

  it('never reuses a run number', async () => {
    const root = await tempDir();
    const ir = sineIr({ train: { epochs: 1 } });
    const first = await train(ir, root);
    const second = await train(ir, root);
    expect([first.result.runDir, second.result.runDir]).toEqual([join(root, 'runs', 'tiny_sine', '1'), join(root, 'runs', 'tiny_sine', '2')]);
  });

  it('creates nothing when the data is bad', async () => {
    const root = await tempDir();
    const ir = sineIr({ data: { source: { type: 'csv', path: 'missing.csv', features: ['a'], targets: ['a'], window: 12, horizon: 1, stride: 1, standardize: true, delimiter: ',' }, split: { train: 0.8, validation: 0.1, test: 0.1 } } });
    await expect(train(ir, root)).rejects.toThrow(/cannot read \S*missing\.csv: no such file or folder$/);
    expect(await readdir(root)).toEqual([]);
  });

  it('prints one JSON object per epoch and one for the result with --json, and notes on stderr', async () => {
    const root = await tempDir();
    const { out, err } = await train(sineIr({ train: { epochs: 2 } }), root, { json: true });
    const lines = out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.type, line.epoch ?? line.epochs])).toEqual([['epoch', 1], ['epoch', 2], ['result', 2]]);
    expect(Object.keys(lines[0]).sort()).toEqual(['epoch', 'learningRate', 'loss', 'mae', 'seconds', 'skippedUpdates', 'type', 'val_loss', 'val_mae']);
    expect(lines[2]).toMatchObject({ status: 'completed', runDir: join(root, 'runs', 'tiny_sine', '1'), bestEpoch: expect.any(Number) });
    expect(Object.keys(lines[2].test as object)).toEqual(['loss', 'mae']);
    expect(err).toMatch(/^backend: /m);
  });
});
