import { describe, expect, it } from 'vitest';
import { loadData, type ModelShape, type PreparedData } from '../../src/data/index.js';
import { shape, tempFile } from './helpers.js';

async function load(text: string, modelShape: ModelShape, split = { train: 1, validation: 0, test: 0 }): Promise<PreparedData> {
  const { dir } = await tempFile('samples.jsonl', text);
  return loadData({ source: { type: 'jsonl', path: 'samples.jsonl' }, split }, { baseDir: dir, validationSplit: 0, shape: modelShape, saved: null });
}

const VARIABLE = shape({ steps: null, features: 2, padding: -1 });

describe('jsonl source', () => {
  it('pads shorter sequences with the padding value to the longest', async () => {
    const data = await load('{"x": [[1, 2], [3, 4]], "y": 5}\n\n{"x": [[6, 7]], "y": [8]}\n', VARIABLE);
    expect(data.train.steps).toBe(2);
    expect(Array.from(data.train.x)).toEqual([1, 2, 3, 4, 6, 7, -1, -1]);
    expect(Array.from(data.train.y)).toEqual([5, 8]);
  });

  it('reads per-step targets and splits in file order', async () => {
    const lines = [1, 2, 3, 4, 5].map((v) => JSON.stringify({ x: [[v], [v]], y: [[v * 10], [v * 20]] })).join('\n');
    const data = await load(lines, shape({ steps: 2, perStep: true }), { train: 0.6, validation: 0.2, test: 0.2 });
    expect(Array.from(data.train.y)).toEqual([10, 20, 20, 40, 30, 60]);
    expect(Array.from(data.validation.x)).toEqual([4, 4]);
    expect(Array.from(data.test.y)).toEqual([50, 100]);
  });

  const errors: [string, string, ModelShape, RegExp][] = [
    ['bad JSON', '{"x": [[1, 2]], "y": 1}\n{"x": [[1, 2]], "y": }\n', VARIABLE, /(^|\/)samples\.jsonl:2:22: not valid JSON/],
    ['a missing y', '{"x": [[1, 2]]}\n', VARIABLE, /(^|\/)samples\.jsonl:1:1: missing "y"/],
    ['a step of the wrong width', '{"x": [[1]], "y": 1}\n', VARIABLE, /(^|\/)samples\.jsonl:1:1: "x" must be a non-empty list of steps, each a list of 2 numbers/],
    ['a non-numeric feature', '{"x": [[1, "a"]], "y": 1}\n', VARIABLE, /(^|\/)samples\.jsonl:1:1: "x" must be/],
    ['an empty file', '\n\n', VARIABLE, /(^|\/)samples\.jsonl:1:1: the file has no samples/],
    ['ragged steps without padding', '{"x": [[1], [2]], "y": 1}\n{"x": [[1]], "y": 1}\n', shape({ steps: null }), /(^|\/)samples\.jsonl:2:1: 1 steps instead of 2; variable-length data needs `padding`/],
    ['too many steps', '{"x": [[1], [2], [3], [4]], "y": 1}\n', shape(), /(^|\/)samples\.jsonl:1:1: "x" has 4 steps; the model takes at most 3/],
  ];
  for (const [what, text, modelShape, message] of errors) {
    it(`reports ${what} with file, line and column`, async () => {
      await expect(load(text, modelShape)).rejects.toThrow(message);
    });
  }
});
