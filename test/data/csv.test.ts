import { describe, expect, it } from 'vitest';
import { DataError, loadData, type PreparedData } from '../../src/data/index.js';
import type { DataIR } from '../../src/ir/types.js';
import { EVEN_SPLIT, shape, tempFile } from './helpers.js';

function csvData(path: string, overrides: Partial<Extract<DataIR['source'], { type: 'csv' }>> = {}, split = EVEN_SPLIT): DataIR {
  return {
    source: { type: 'csv', path, features: ['a'], targets: ['a'], window: 2, horizon: 1, stride: 1, standardize: false, delimiter: ',', ...overrides },
    split,
  };
}

async function load(text: string, data: (path: string) => DataIR, modelShape = shape({ steps: 2 })): Promise<PreparedData> {
  const { dir } = await tempFile('series.csv', text);
  return loadData(data('series.csv'), { baseDir: dir, validationSplit: 0, shape: modelShape, saved: null });
}

/** Ten rows: a = 1…10, b = 10·a. */
const SERIES = ['a,b', ...Array.from({ length: 10 }, (_, i) => `${i + 1},${(i + 1) * 10}`)].join('\n');

describe('csv source', () => {
  it('splits the series chronologically before windowing, so no window crosses a boundary', async () => {
    const data = await load(SERIES, (path) => csvData(path, { window: 1 }), shape({ steps: 1 }));
    // Rows 1–6 train, 7–8 validation, 9–10 test: the windows 6→7 and 8→9 would cross a boundary.
    expect(Array.from(data.train.x)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(data.train.y)).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(data.validation.x)).toEqual([7]);
    expect(Array.from(data.validation.y)).toEqual([8]);
    expect(Array.from(data.test.x)).toEqual([9]);
    expect(Array.from(data.test.y)).toEqual([10]);
  });

  it('gives per-step targets horizon rows ahead and a naive last-value forecast', async () => {
    const data = await load(SERIES, (path) => csvData(path, { features: ['a', 'b'], targets: ['a'], horizon: 2 }, { train: 1, validation: 0, test: 0 }), shape({ steps: 2, features: 2, perStep: true }));
    expect(data.train.count).toBe(7);
    expect(Array.from(data.train.x.slice(0, 4))).toEqual([1, 10, 2, 20]);
    expect(Array.from(data.train.y.slice(0, 2))).toEqual([3, 4]);
    expect(Array.from((data.train.naive as Float32Array).slice(0, 2))).toEqual([1, 2]);
  });

  it('standardizes with statistics of the training rows only', async () => {
    const data = await load(SERIES, (path) => csvData(path, { standardize: true, window: 1 }), shape({ steps: 1 }));
    // Training rows a = 1…6: mean 3.5, population std sqrt(35/12).
    const std = Math.sqrt(35 / 12);
    expect(data.preprocessing).toEqual({ kind: 'standardize', features: [{ column: 'a', mean: 3.5, std }], targets: [{ column: 'a', mean: 3.5, std }] });
    expect(data.test.x[0]).toBeCloseTo((9 - 3.5) / std, 5);
    expect(data.test.y[0]).toBeCloseTo((10 - 3.5) / std, 5);
  });

  it('applies saved statistics instead of fitting new ones', async () => {
    const { dir } = await tempFile('series.csv', SERIES);
    const saved = { kind: 'standardize' as const, features: [{ column: 'a', mean: 1, std: 2 }], targets: [{ column: 'a', mean: 0, std: 10 }] };
    const data = await loadData(csvData('series.csv', { standardize: true }, { train: 1, validation: 0, test: 0 }), { baseDir: dir, validationSplit: 0, shape: shape({ steps: 2 }), saved });
    expect(Array.from(data.train.x.slice(0, 2))).toEqual([0, 0.5]);
    expect(data.train.y[0]).toBeCloseTo(0.3, 6);
  });

  it('uses the stride between windows', async () => {
    const data = await load(SERIES, (path) => csvData(path, { stride: 2 }, { train: 1, validation: 0, test: 0 }));
    expect(Array.from(data.train.y)).toEqual([3, 5, 7, 9]);
  });

  const errors: [string, string, RegExp][] = [
    ['a missing column', 'x,b\n1,2\n', /(^|\/)series\.csv:1:1: no column named 'a'/],
    ['a non-numeric cell', 'b,a\n1,2\n3,oops\n', /(^|\/)series\.csv:3:3: column 'a' holds 'oops', which is not a number/],
    ['an empty cell', 'a\n1\n\n  \n', /(^|\/)series\.csv:4:1: column 'a' holds '', which is not a number/],
    ['a ragged row', 'a,b\n1,2\n3\n', /(^|\/)series\.csv:3:1: row has 1 fields, the header has 2/],
    ['an empty file', '', /(^|\/)series\.csv:1:1: the file is empty/],
    ['a header without rows', 'a,b\n', /(^|\/)series\.csv:2:1: the file has a header but no data rows/],
  ];
  for (const [what, text, message] of errors) {
    it(`reports ${what} with file, line and column`, async () => {
      await expect(load(text, (path) => csvData(path))).rejects.toThrow(message);
      await expect(load(text, (path) => csvData(path))).rejects.toBeInstanceOf(DataError);
    });
  }

  it('reports a quoted cell at its character column', async () => {
    await expect(load('b,a\n"x,y",z\n', (path) => csvData(path))).rejects.toThrow(/(^|\/)series\.csv:2:7: column 'a' holds 'z'/);
  });

  it('refuses a window longer than a split of the series', async () => {
    await expect(load(SERIES, (path) => csvData(path, { window: 5 }), shape({ steps: 5 }))).rejects.toThrow(
      /the validation split has 2 rows, shorter than window 5 \+ horizon 1/,
    );
  });

  it('refuses columns that do not match the model', async () => {
    await expect(load(SERIES, (path) => csvData(path), shape({ steps: 2, features: 2 }))).rejects.toThrow(/1 feature column\(s\), but the model's input has 2 features/);
    await expect(load(SERIES, (path) => csvData(path), shape({ steps: 4 }))).rejects.toThrow(/window 2, but the model's input has 4 steps/);
  });
});
