import { describe, expect, it } from 'vitest';
import { DataError, loadData, type DataLimits, type PreparedData } from '../../src/data/index.js';
import type { DataIR } from '../../src/ir/types.js';
import { shape, tempFile } from './helpers.js';

const TRAIN_ONLY = { train: 1, validation: 0, test: 0 };

function csvSource(path: string, window: number): DataIR {
  return {
    source: { type: 'csv', path, features: ['a', 'b'], targets: ['a'], window, horizon: 1, stride: 1, standardize: false, delimiter: ',' },
    split: TRAIN_ONLY,
  };
}

async function loadCsvText(text: string, window: number, limits: Partial<DataLimits> = {}): Promise<PreparedData> {
  const { dir } = await tempFile('big.csv', text);
  return loadData(csvSource('big.csv', window), { baseDir: dir, validationSplit: 0, shape: shape({ steps: window, features: 2 }), saved: null, limits });
}

/** `rows` rows of a = row number, b = 0.5 · row number; far more than one read chunk and one column buffer. */
function series(rows: number): string {
  return ['a,b', ...Array.from({ length: rows }, (_, i) => `${i + 1},${(i + 1) / 2}`)].join('\n');
}

describe('csv read as a stream', () => {
  it('reads every row of a file larger than one read chunk, in order', async () => {
    const rows = 20_000;
    const data = await loadCsvText(series(rows), 1);
    expect(data.train.count).toBe(rows - 1);
    // Window 1, horizon 1: the inputs are rows 1 … rows−1, the targets rows 2 … rows.
    expect(Array.from(data.train.x.slice(0, 4))).toEqual([1, 0.5, 2, 1]);
    expect(data.train.x[(rows - 2) * 2]).toBe(rows - 1);
    expect(data.train.y[rows - 2]).toBe(rows);
  });

  it('reports a bad cell near the end of a large file at its line', async () => {
    const text = `${series(15_000)}\n15001,oops\n`;
    await expect(loadCsvText(text, 1)).rejects.toThrow(/big\.csv:15002:7: column 'b' holds 'oops', which is not a number/);
  });
});

describe('sample size limit', () => {
  // 100 rows, window 4, horizon 1: 96 windows of 4 steps × 2 features, 1 target and its naive forecast.
  const bytes = 96 * (4 * 2 + 1 * 2) * 4;

  it('refuses csv windows above the limit before allocating them, saying how large and what to change', async () => {
    const loading = loadCsvText(series(100), 4, { sampleBytes: bytes - 1 });
    await expect(loading).rejects.toBeInstanceOf(DataError);
    await expect(loadCsvText(series(100), 4, { sampleBytes: bytes - 1 })).rejects.toThrow(
      /big\.csv: the samples would take 3\.8 KiB \(96 samples × 4 steps × 2 features × 4 bytes, plus targets\), more than the 3\.7 KiB limit; use a shorter window, a larger stride \(`stride N` in the source block, now 1\), fewer feature columns, or a smaller file/,
    );
  });

  it('accepts windows exactly at the limit', async () => {
    const data = await loadCsvText(series(100), 4, { sampleBytes: bytes });
    expect((data.train.x.length + data.train.y.length + (data.train.naive?.length ?? 0)) * 4).toBe(bytes);
  });

  it('refuses text windows above the limit (inputs and targets are one-hot)', async () => {
    const text = 'abcab'.repeat(20);
    const { dir } = await tempFile('corpus.txt', text);
    const load = (sampleBytes: number): Promise<PreparedData> =>
      loadData(
        { source: { type: 'text', path: 'corpus.txt', window: 5, stride: 5 }, split: TRAIN_ONLY },
        { baseDir: dir, validationSplit: 0, shape: shape({ steps: 5, features: 4, targetUnits: 4, perStep: true }), saved: null, limits: { sampleBytes } },
      );
    // 100 characters, window 5, stride 5: 19 windows of 5 steps × 4 features, twice.
    const textBytes = 19 * 5 * 4 * 2 * 4;
    expect((await load(textBytes)).train.count).toBe(19);
    await expect(load(textBytes - 1)).rejects.toThrow(/corpus\.txt: the samples would take .* more than the .* limit; use a larger stride/);
  });

  it('refuses padded JSON Lines samples above the limit', async () => {
    const lines = ['{"x": [[1]], "y": 1}', '{"x": [[1], [2], [3]], "y": 2}'].join('\n');
    const { dir } = await tempFile('samples.jsonl', lines);
    const load = (sampleBytes: number): Promise<PreparedData> =>
      loadData({ source: { type: 'jsonl', path: 'samples.jsonl' }, split: TRAIN_ONLY }, { baseDir: dir, validationSplit: 0, shape: shape({ steps: null, padding: 0 }), saved: null, limits: { sampleBytes } });
    // Two samples padded to 3 steps of 1 feature, 1 target each.
    const jsonlBytes = 2 * (3 + 1) * 4;
    expect((await load(jsonlBytes)).train.count).toBe(2);
    await expect(load(jsonlBytes - 1)).rejects.toThrow(/samples\.jsonl: the samples would take 32 bytes \(2 samples × 3 steps × 1 features × 4 bytes, plus targets\), more than the 31 bytes limit; use fewer or shorter sequences \(every sequence is padded to the longest\)/);
  });
});

describe('file size limits of whole-file sources', () => {
  it('refuses a JSON Lines file above the limit before reading it', async () => {
    const text = '{"x": [[1]], "y": 1}\n'.repeat(10);
    const { dir } = await tempFile('samples.jsonl', text);
    const load = (jsonlFileBytes: number): Promise<PreparedData> =>
      loadData({ source: { type: 'jsonl', path: 'samples.jsonl' }, split: TRAIN_ONLY }, { baseDir: dir, validationSplit: 0, shape: shape({ steps: 1 }), saved: null, limits: { jsonlFileBytes } });
    expect((await load(text.length)).train.count).toBe(10);
    await expect(load(text.length - 1)).rejects.toThrow(/samples\.jsonl: 210 bytes, more than the 209 bytes seqnet reads for a JSON Lines file \(it is read whole\); use a smaller file/);
  });

  it('refuses a text file above the limit before reading it', async () => {
    const text = 'abcab'.repeat(20);
    const { dir } = await tempFile('corpus.txt', text);
    const load = (textFileBytes: number): Promise<PreparedData> =>
      loadData(
        { source: { type: 'text', path: 'corpus.txt', window: 5, stride: 5 }, split: TRAIN_ONLY },
        { baseDir: dir, validationSplit: 0, shape: shape({ steps: 5, features: 4, targetUnits: 4, perStep: true }), saved: null, limits: { textFileBytes } },
      );
    expect((await load(100)).train.count).toBe(19);
    await expect(load(99)).rejects.toThrow(/corpus\.txt: 100 bytes, more than the 99 bytes seqnet reads for a text file/);
  });
});
