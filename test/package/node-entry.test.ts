/**
 * `seqnet/node` from code: a model trained on standardized CSV data, loaded with `loadRun`, fed raw values
 * through the run's preprocessing and read back in the data's units, gives what `seqnet predict` prints.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { DataIR } from '../../src/ir/types.js';
import { createPreprocessor, fileHandler, loadRun, readPreprocessing, type Preprocessing } from '../../src/node/index.js';
import { headIr, sineIr } from '../train/fixtures.js';
import { tempDir, train } from '../train/helpers.js';

/** 60 rows of a trending seasonal series, far from zero so that skipping the standardization shows. */
const VALUES = Array.from({ length: 60 }, (_, i) => 400 + 0.8 * i + 5 * Math.sin(i / 2));
const WINDOW = 8;

/** Trains seqnet's own compiled model (not the training tests' stand-in) for one epoch on the series. */
async function csvRun(): Promise<{ root: string; runDir: string; csv: string }> {
  const root = await tempDir();
  const csv = join(root, 'series.csv');
  await writeFile(csv, `month,level\n${VALUES.map((v, i) => `${i},${v}`).join('\n')}\n`);
  const data: DataIR = {
    source: { type: 'csv', path: csv, features: ['level'], targets: ['level'], window: WINDOW, horizon: 1, stride: 1, standardize: true, delimiter: ',' },
    split: { train: 0.6, validation: 0.2, test: 0.2 },
  };
  const base = sineIr({ data, train: { epochs: 1 }, units: 4 });
  const ir = { ...base, input: { ...base.input, steps: WINDOW }, heads: [headIr(1, WINDOW, { at: 'last_step' })] };
  const { result } = await train(ir, root, { buildModel: undefined });
  return { root, runDir: result.runDir, csv };
}

describe('seqnet/node on a run trained on standardized CSV data', () => {
  let stdout: string;
  beforeEach(() => {
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('standardize → predict → unstandardize gives `seqnet predict`’s forecasts', async () => {
    const { root, runDir, csv } = await csvRun();
    const output = join(root, 'forecasts.csv');
    expect(await main(['predict', runDir, '--input', csv, '--output', output])).toBe(0);
    const rows = (await readFile(output, 'utf8')).trim().split('\n').slice(1).map((row) => row.split(',').map(Number));
    expect(rows).toHaveLength(VALUES.length - WINDOW + 1);

    const { model, preprocessing, preprocessor } = await loadRun(runDir);
    expect(preprocessing.kind).toBe('standardize');
    // Each window of raw values, `steps × features`, as a user holding the CSV would build them.
    const windows = rows.map((_, i) => VALUES.slice(i, i + WINDOW).map((value) => [value]));
    const raw = tf.tidy(() => (model.predict(tf.tensor3d(preprocessor.standardizeInputs(windows))) as tf.Tensor).arraySync() as number[][]);
    const forecasts = preprocessor.unstandardizeOutputs(raw);
    forecasts.forEach(([value], i) => expect(value).toBeCloseTo(rows[i][2], 2));
    // Without the preprocessing the same model gives something else entirely (the test can tell).
    const unprocessed = tf.tidy(() => (model.predict(tf.tensor3d(windows)) as tf.Tensor).arraySync() as number[][]);
    expect(Math.abs(unprocessed[0][0] - rows[0][2])).toBeGreaterThan(1);
    model.dispose();
  });

  it('fileHandler loads the same weights that loadRun does', async () => {
    const { runDir } = await csvRun();
    const { model } = await loadRun(runDir);
    const direct = await tf.loadLayersModel(fileHandler(runDir));
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(direct)).toEqual(weights(model));
    expect(await readPreprocessing(runDir)).toEqual((await loadRun(runDir)).preprocessing);
  });

  it('loadRun names what is missing in a folder that is not a finished run', async () => {
    const root = await tempDir();
    await expect(loadRun(root)).rejects.toThrow(`${root} has no trained model (model.json); is it a finished run directory?`);
  });
});

describe('createPreprocessor', () => {
  const standardize: Preprocessing = {
    kind: 'standardize',
    features: [
      { column: 'a', mean: 10, std: 2 },
      { column: 'b', mean: -1, std: 0.5 },
    ],
    targets: [{ column: 'a', mean: 10, std: 2 }],
  };

  it('standardizes each feature column with its own statistics, at any nesting depth', () => {
    const preprocessor = createPreprocessor(standardize);
    expect(preprocessor.standardizeInputs([14, 0])).toEqual([2, 2]);
    expect(preprocessor.standardizeInputs([[[10, -1], [8, -2]]])).toEqual([[[0, 0], [-1, -2]]]);
    expect(preprocessor.unstandardizeOutputs([[1.5], [-0.5]])).toEqual([[13], [9]]);
  });

  it('refuses a step whose width is not the number of columns', () => {
    const preprocessor = createPreprocessor(standardize);
    expect(() => preprocessor.standardizeInputs([[1, 2, 3]])).toThrow('expected 2 feature values (a, b) per step, got 3');
    expect(() => preprocessor.unstandardizeOutputs([1, 2])).toThrow('expected 1 target value (a) per step, got 2');
  });

  it('leaves values alone for a run without statistics', () => {
    const preprocessor = createPreprocessor({ kind: 'none' });
    expect(preprocessor.standardizeInputs([[3, 4]])).toEqual([[3, 4]]);
    expect(preprocessor.unstandardizeOutputs([0.5])).toEqual([0.5]);
    expect(() => preprocessor.oneHot('a')).toThrow("this run's inputs are numbers, not text (preprocessing 'none')");
  });

  it('one-hot-encodes text with the vocabulary, unknown characters in the unknown slot, as wide as asked', () => {
    const vocabulary: Preprocessing = { kind: 'vocabulary', characters: [' ', 'a', 't'], unknownIndex: 3 };
    const preprocessor = createPreprocessor(vocabulary, { features: 5 });
    expect(preprocessor.oneHot('at x')).toEqual([
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [1, 0, 0, 0, 0],
      [0, 0, 0, 1, 0],
    ]);
    expect(createPreprocessor(vocabulary).oneHot('t')).toEqual([[0, 0, 1, 0]]);
    expect(() => preprocessor.standardizeInputs([[1]])).toThrow('this run reads text: encode it with oneHot(text)');
  });
});
