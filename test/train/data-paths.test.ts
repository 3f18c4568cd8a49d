import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataIR, ModelIR } from '../../src/ir/types.js';
import { headIr, sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

const ROWS = `level\n${Array.from({ length: 40 }, (_, i) => i % 7).join('\n')}\n`;

function csvIr(path: string): ModelIR {
  const data: DataIR = {
    source: { type: 'csv', path, features: ['level'], targets: ['level'], window: 12, horizon: 1, stride: 4, standardize: false, delimiter: ',' },
    split: { train: 1, validation: 0, test: 0 },
  };
  return { ...sineIr({ data, train: { epochs: 1, validationSplit: 0 } }), heads: [headIr(1, 12, { at: 'last_step' })] };
}

describe('data paths', () => {
  it('resolves a relative data path against the spec file’s folder and records it absolute in ir.json', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data', 'series.csv'), ROWS);
    // The helper's spec lives at root/model.seqnet; windows of 12 + 1 rows every 4 rows: ⌊(40 − 13) / 4⌋ + 1 = 7.
    const { result, out } = await train(csvIr('data/series.csv'), root);
    expect(result.status).toBe('completed');
    expect(out).toMatch(/csv \S*data\/series\.csv: 40 rows → 7 train \/ 0 validation \/ 0 test windows of 12 steps/);
    const ir = await readJson<ModelIR>(join(result.runDir, 'ir.json'));
    expect(ir.data?.source).toMatchObject({ path: join(root, 'data', 'series.csv') });
  });

  it('--data replaces the source’s file (resolved from the working directory)', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'other.csv'), ROWS);
    const { result } = await train(csvIr('missing.csv'), root, { data: join(root, 'other.csv') });
    const ir = await readJson<ModelIR>(join(result.runDir, 'ir.json'));
    expect(ir.data?.source).toMatchObject({ path: join(root, 'other.csv') });
  });

  it('--data is refused for a synthetic source', async () => {
    await expect(train(sineIr(), await tempDir(), { data: 'x.csv' })).rejects.toThrow(/--data replaces a data file, but this spec uses a synthetic source/);
  });
});
