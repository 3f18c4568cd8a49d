import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataIR } from '../../src/ir/types.js';
import { evaluateRun } from '../../src/train/index.js';
import { specMetricName } from '../../src/train/metric-names.js';
import { formatMetrics } from '../../src/train/progress.js';
import { renderHistorySvg } from '../../src/train/plot.js';
import type { EpochLog } from '../../src/train/types.js';
import { headIr, sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

describe('specMetricName', () => {
  it('turns tfjs camelCase metric names into the spec’s snake_case names', () => {
    expect(specMetricName('categoricalAccuracy')).toBe('categorical_accuracy');
    expect(specMetricName('val_sparseCategoricalAccuracy')).toBe('val_sparse_categorical_accuracy');
    expect(specMetricName('binaryAccuracy')).toBe('binary_accuracy');
  });

  it('leaves snake_case names and a multi-output prefix (the head name) as they are', () => {
    for (const name of ['loss', 'val_loss', 'mae', 'naive_mse', 'mse_original_units']) expect(specMetricName(name)).toBe(name);
    expect(specMetricName('nextChar_categoricalAccuracy')).toBe('nextChar_categorical_accuracy');
  });

  it('is used by the progress line and the curves', () => {
    expect(formatMetrics({ loss: 1, categoricalAccuracy: 0.5 })).toBe('loss 1.0000 · categorical_accuracy 0.5000');
    const log: EpochLog = { epoch: 1, learningRate: 0.1, seconds: 1, metrics: { loss: 1, categoricalAccuracy: 0.5, val_loss: 1, val_categoricalAccuracy: 0.4 } };
    const titles = [...renderHistorySvg([log], 't').matchAll(/class="title">([^<]+)</g)].map((match) => match[1]);
    expect(titles).toEqual(['loss', 'categorical_accuracy']);
  });
});

describe('metric names in a run', () => {
  it('history.json, run.json, the epoch lines, the JSON lines and evaluate all use the spec’s names', async () => {
    const root = await tempDir();
    const corpus = join(root, 'corpus.txt');
    await writeFile(corpus, 'the cat sat on the mat. '.repeat(20));
    const data: DataIR = { source: { type: 'text', path: corpus, window: 12, stride: 6 }, split: { train: 0.6, validation: 0.2, test: 0.2 } };
    const ir = {
      ...sineIr({ data, train: { epochs: 1 } }),
      input: { steps: 12, features: 16, padding: null },
      heads: [headIr(16, 12, { activation: 'softmax', loss: 'categorical_crossentropy', metrics: ['categorical_accuracy'] })],
    };
    const expected = ['loss', 'categorical_accuracy', 'val_loss', 'val_categorical_accuracy'];
    const { result, out } = await train(ir, root);
    expect(out).toMatch(/^epoch 1\/1 · loss [\d.]+ · categorical_accuracy [\d.]+ · val_loss [\d.]+ · val_categorical_accuracy [\d.]+ · lr/m);
    const history = await readJson<EpochLog[]>(join(result.runDir, 'history.json'));
    expect(Object.keys(history[0].metrics)).toEqual(expected);
    const info = await readJson<{ test: Record<string, number> }>(join(result.runDir, 'run.json'));
    expect(Object.keys(info.test)).toEqual(['loss', 'categorical_accuracy']);
    expect(await readFile(join(result.runDir, 'curves.svg'), 'utf8')).toContain('>categorical_accuracy<');
    expect(Object.keys((await evaluateRun(result.runDir)).metrics)).toEqual(['loss', 'categorical_accuracy']);

    const json = await train(ir, root, { json: true });
    const epoch = JSON.parse(json.out.split('\n')[0]) as Record<string, unknown>;
    expect(Object.keys(epoch)).toEqual(expect.arrayContaining(expected));
    expect(Object.keys(epoch).some((key) => /[A-Z]/.test(key) && key !== 'learningRate' && key !== 'skippedUpdates')).toBe(false);
  });
});
