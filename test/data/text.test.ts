import { describe, expect, it } from 'vitest';
import { loadData, type PreparedData } from '../../src/data/index.js';
import { shape, tempFile } from './helpers.js';

async function load(text: string, features: number, split = { train: 0.8, validation: 0.2, test: 0 }): Promise<PreparedData> {
  const { dir } = await tempFile('corpus.txt', text);
  return loadData(
    { source: { type: 'text', path: 'corpus.txt', window: 3, stride: 2 }, split },
    { baseDir: dir, validationSplit: 0, shape: shape({ features, targetUnits: features, perStep: true }), saved: null },
  );
}

/** The one-hot rows of a flat array as indices. */
function hotIndices(values: Float32Array, width: number): number[] {
  const indices: number[] = [];
  for (let row = 0; row < values.length / width; row++) indices.push(values.subarray(row * width, (row + 1) * width).indexOf(1));
  return indices;
}

describe('text source', () => {
  it('builds the vocabulary from the training part and targets the next character', async () => {
    // Train: "abcabcab" (8 chars), validation: "cz" → too short for a window, so give more text.
    const data = await load('abcabcabca' + 'bczab', 6, { train: 10 / 15, validation: 5 / 15, test: 0 });
    expect(data.preprocessing).toEqual({ kind: 'vocabulary', characters: ['a', 'b', 'c'], unknownIndex: 3 });
    // Windows start at 0, 2, 4, 6 of "abcabcabca": inputs abc/cab/bca/abc, targets shifted by one.
    expect(hotIndices(data.train.x, 6)).toEqual([0, 1, 2, 2, 0, 1, 1, 2, 0, 0, 1, 2]);
    expect(hotIndices(data.train.y, 6)).toEqual([1, 2, 0, 0, 1, 2, 2, 0, 1, 1, 2, 0]);
    // Validation "bczab": 'z' was never seen in training, so it is the unknown slot.
    expect(hotIndices(data.validation.x, 6)).toEqual([1, 2, 3]);
  });

  it('refuses a vocabulary larger than the input features', async () => {
    await expect(load('abcdefghij', 4, { train: 1, validation: 0, test: 0 })).rejects.toThrow(
      /(^|\/)corpus\.txt: the training text has 10 distinct characters \(\+1 for unknown\), more than the input's 4 features/,
    );
  });

  it('reports an empty file', async () => {
    await expect(load('', 8)).rejects.toThrow(/(^|\/)corpus\.txt:1:1: the file is empty/);
  });

  it('refuses a split shorter than the window', async () => {
    await expect(load('abcabcabcab', 8)).rejects.toThrow(/the validation split has 2 characters, not more than the window 3/);
  });
});
