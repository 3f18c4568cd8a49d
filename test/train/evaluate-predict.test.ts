import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { DataIR } from '../../src/ir/types.js';
import { fileHandler } from '../../src/io/index.js';
import { originalUnitMetrics } from '../../src/train/evaluation.js';
import { evaluateRun, generateText, predictRun } from '../../src/train/index.js';
import { headIr, sineIr } from './fixtures.js';
import { tempDir, train } from './helpers.js';

/** 80 rows of a seasonal series with a trend. */
const VALUES = Array.from({ length: 80 }, (_, i) => 300 + 0.5 * i + 3 * Math.sin(i / 2));

async function csvRun(): Promise<{ root: string; runDir: string; csv: string }> {
  const root = await tempDir();
  const csv = join(root, 'series.csv');
  await writeFile(csv, `month,level\n${VALUES.map((v, i) => `${i},${v}`).join('\n')}\n`);
  const data: DataIR = {
    source: { type: 'csv', path: csv, features: ['level'], targets: ['level'], window: 12, horizon: 1, stride: 1, standardize: true, delimiter: ',' },
    split: { train: 0.6, validation: 0.2, test: 0.2 },
  };
  const ir = { ...sineIr({ data, train: { epochs: 2 } }), heads: [headIr(1, 12, { at: 'last_step' })] };
  const { result } = await train(ir, root);
  return { root, runDir: result.runDir, csv };
}

describe('evaluate and predict', () => {
  it('predict undoes the standardization, and its forecasts give the MSE that evaluate reports', async () => {
    const { runDir, csv } = await csvRun();
    const prediction = await predictRun(runDir, { input: csv });
    const rows = prediction.text.trim().split('\n');
    expect(rows[0]).toBe('input_row,target_row,level');
    // One forecast per window of 12 rows: windows end at rows 12 … 80.
    expect(rows).toHaveLength(1 + 69);
    const forecasts = rows.slice(1).map((row) => row.split(',').map(Number));
    expect(forecasts[0].slice(0, 2)).toEqual([12, 13]);
    // Whole-file evaluation covers the windows whose target row exists (rows 13 … 80).
    const evaluation = await evaluateRun(runDir, { data: csv });
    expect(evaluation.samples).toBe(68);
    const { std } = (JSON.parse(await readFile(join(runDir, 'preprocessing.json'), 'utf8')) as { targets: { std: number }[] }).targets[0];
    const squared = forecasts.slice(0, 68).map(([, targetRow, value]) => ((value - VALUES[targetRow - 1]) / std) ** 2);
    expect(evaluation.metrics.loss).toBeCloseTo(squared.reduce((a, b) => a + b, 0) / squared.length, 4);
    // The naive forecast repeats the last input value.
    const naive = VALUES.slice(12).map((value, i) => ((value - VALUES[i + 11]) / std) ** 2);
    expect(evaluation.metrics.naive_mse).toBeCloseTo(naive.reduce((a, b) => a + b, 0) / naive.length, 5);
  });

  it('evaluate also reports mse, mae and naive_mse in the targets’ original units', async () => {
    const { runDir, csv } = await csvRun();
    const forecasts = (await predictRun(runDir, { input: csv })).text.trim().split('\n').slice(1, 69).map((row) => row.split(',').map(Number));
    const errors = forecasts.map(([, targetRow, value]) => value - VALUES[targetRow - 1]);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const { metrics } = await evaluateRun(runDir, { data: csv });
    // predict prints 7 significant digits of values near 300, so the sums agree to about 1e-4 ppm.
    expect(metrics.mse_original_units).toBeCloseTo(mean(errors.map((e) => e * e)), 2);
    expect(metrics.mae_original_units).toBeCloseTo(mean(errors.map(Math.abs)), 3);
    expect(metrics.naive_mse_original_units).toBeCloseTo(mean(VALUES.slice(12).map((value, i) => (value - VALUES[i + 11]) ** 2)), 4);
    // The standardized loss is the same MSE divided by the target's variance.
    const { std } = (JSON.parse(await readFile(join(runDir, 'preprocessing.json'), 'utf8')) as { targets: { std: number }[] }).targets[0];
    expect(metrics.loss * std ** 2).toBeCloseTo(metrics.mse_original_units, 2);
  });

  it('evaluate describes the test split with the same data summary train printed, and shows original units on their own line', async () => {
    const root = await tempDir();
    const csv = join(root, 'series.csv');
    await writeFile(csv, `month,level\n${VALUES.map((v, i) => `${i},${v}`).join('\n')}\n`);
    // No validation part in the split: the train block's validation_split makes one, in train and evaluate alike.
    const data: DataIR = {
      source: { type: 'csv', path: csv, features: ['level'], targets: ['level'], window: 12, horizon: 1, stride: 1, standardize: true, delimiter: ',' },
      split: { train: 0.8, validation: 0, test: 0.2 },
    };
    const ir = { ...sineIr({ data, train: { epochs: 1, validationSplit: 0.25 } }), heads: [headIr(1, 12, { at: 'last_step' })] };
    const { result, out } = await train(ir, root);
    const summary = /^csv .*$/m.exec(out)?.[0] as string;
    expect(summary).toMatch(/→ \d+ train \/ [1-9]\d* validation \/ [1-9]\d* test windows/);
    const evaluation = await evaluateRun(result.runDir);
    expect(evaluation.on).toBe(`the test split (${summary})`);
    expect(result.message).toMatch(/\ntest: loss [\d.e-]+ · mae [\d.e-]+ · naive_mse [\d.e-]+\ntest: in original units: mse [\d.e-]+ · mae [\d.e-]+ · naive_mse [\d.e-]+$/);
    const info = JSON.parse(await readFile(join(result.runDir, 'run.json'), 'utf8')) as { test: Record<string, number> };
    expect(Object.keys(info.test)).toEqual(['loss', 'mae', 'naive_mse', 'mse_original_units', 'mae_original_units', 'naive_mse_original_units']);
  });

  it('evaluate without --data uses the test split', async () => {
    const { runDir } = await csvRun();
    const evaluation = await evaluateRun(runDir);
    // Test rows 65–80 (16 rows) hold 16 − 13 + 1 = 4 windows of 12 inputs and 1 target.
    expect(evaluation.samples).toBe(4);
    expect(evaluation.on).toMatch(/^the test split/);
  });

  it('predict reads JSON Lines and writes one {"y": …} per sample, as the saved model computes it', async () => {
    const root = await tempDir();
    const { result } = await train(sineIr({ train: { epochs: 1 } }), root);
    const inputs = [Array.from({ length: 12 }, (_, t) => [Math.sin(t / 3)]), Array.from({ length: 12 }, (_, t) => [Math.cos(t / 4)])];
    const input = join(root, 'in.jsonl');
    await writeFile(input, inputs.map((x) => JSON.stringify({ x })).join('\n'));
    const prediction = await predictRun(result.runDir, { input });
    const lines = prediction.text.trim().split('\n').map((line) => JSON.parse(line) as { y: number[][] });
    const model = await tf.loadLayersModel(fileHandler(result.runDir));
    const expected = (model.predict(tf.tensor3d(inputs)) as tf.Tensor).arraySync() as number[][][];
    lines.forEach((line, i) => line.y.forEach((step, t) => expect(step[0]).toBeCloseTo(expected[i][t][0], 5)));
  });

  it('generates text from the vocabulary of a text model, reproducibly for a seed', async () => {
    const root = await tempDir();
    const corpus = join(root, 'corpus.txt');
    await writeFile(corpus, 'the cat sat on the mat. '.repeat(20));
    const data: DataIR = { source: { type: 'text', path: corpus, window: 12, stride: 6 }, split: { train: 0.8, validation: 0.2, test: 0 } };
    const ir = { ...sineIr({ data, train: { epochs: 1 } }), input: { steps: 12, features: 16, padding: null }, heads: [headIr(16, 12, { activation: 'softmax', loss: 'categorical_crossentropy', metrics: ['categorical_accuracy'] })] };
    const { result } = await train(ir, root);
    const first = await generateText(result.runDir, { length: 30, prime: 'the ', temperature: 0.8, seed: 3 });
    const again = await generateText(result.runDir, { length: 30, prime: 'the ', temperature: 0.8, seed: 3 });
    expect(first).toBe(again);
    expect(first.startsWith('the ')).toBe(true);
    expect(first).toHaveLength(34);
    expect(new Set(first.slice(4))).toSatisfy((chars: Set<string>) => [...chars].every((c) => 'the catsonm.'.includes(c)));
  });
});

describe('predict on JSON Lines for a model trained on standardized CSV', () => {
  it('standardizes the inputs and returns forecasts in the data’s units, as the CSV path does', async () => {
    const { root, runDir, csv } = await csvRun();
    const fromCsv = (await predictRun(runDir, { input: csv })).text.trim().split('\n').slice(1).map((row) => Number(row.split(',')[2]));
    const input = join(root, 'windows.jsonl');
    await writeFile(input, [0, 5].map((start) => JSON.stringify({ x: VALUES.slice(start, start + 12).map((v) => [v]) })).join('\n'));
    const fromJsonl = (await predictRun(runDir, { input })).text.trim().split('\n').map((line) => (JSON.parse(line) as { y: number[] }).y[0]);
    expect(fromJsonl[0]).toBeCloseTo(fromCsv[0], 3);
    expect(fromJsonl[1]).toBeCloseTo(fromCsv[5], 3);
  });
});

describe('originalUnitMetrics', () => {
  it('undoes each target column’s scale on prediction and target (the mean cancels)', () => {
    // Two target columns (std 2 and 10), two samples: errors in standardized units 0.5, −1, 0, 0.1.
    const targets = Float32Array.from([0, 0, 1, 1]);
    const predictions = Float32Array.from([0.5, -1, 1, 1.1]);
    const naive = Float32Array.from([1, 0, 1, 0]);
    const stats = [{ column: 'a', mean: 100, std: 2 }, { column: 'b', mean: -5, std: 10 }];
    const metrics = originalUnitMetrics(targets, predictions, naive, stats);
    // Errors in original units: 1, −10, 0, 1; naive errors: 2, 0, 0, −10.
    expect(metrics.mse_original_units).toBeCloseTo((1 + 100 + 0 + 1) / 4, 4);
    expect(metrics.mae_original_units).toBeCloseTo((1 + 10 + 0 + 1) / 4, 4);
    expect(metrics.naive_mse_original_units).toBeCloseTo((4 + 0 + 0 + 100) / 4, 4);
    expect(Object.keys(originalUnitMetrics(targets, predictions, null, stats))).toEqual(['mse_original_units', 'mae_original_units']);
  });
});
