/**
 * The regularization experiment's pieces at a tiny size: its four specs are valid and differ only in their lstm
 * block, and one epoch of its measuring loop runs on the fortune fixture and returns finite bits per character
 * for the training and validation windows, the same numbers again for the same seed.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { figure, table, VARIANTS, type VariantRun } from '../../experiments/regularization/run.js';
import { bitsPerCharacter, evenlySpread, trainAndMeasure } from '../../experiments/regularization/train.js';
import { loadData, modelShape, type PreparedData } from '../../src/data/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { checkSpec } from '../../src/validate/index.js';

const SPEC_DIR = new URL('../../experiments/regularization/', import.meta.url);
const FIXTURE_DIR = new URL('../data/fixtures/', import.meta.url).pathname;

async function variantIr(name: string): Promise<ModelIR> {
  const { ir, diagnostics } = checkSpec(await readFile(new URL(`${name}.seqnet`, SPEC_DIR), 'utf8'), `${name}.seqnet`);
  expect(diagnostics).toEqual([]);
  if (ir === null) throw new Error(`${name}.seqnet is invalid`);
  return ir;
}

/** A variant's spec at the fixture's size: 8 units, windows of 8 characters read from the 12-record fixture. */
async function tinyVariant(name: string): Promise<{ ir: ModelIR; data: PreparedData }> {
  const ir = structuredClone(await variantIr(name));
  const layer = ir.layers.find((candidate) => candidate.type === 'recurrent');
  if (layer?.type !== 'recurrent') throw new Error('the spec has no recurrent layer');
  layer.units = 8;
  ir.input.steps = 8;
  ir.train.batchSize = 8;
  ir.data = { source: { type: 'text', path: 'fortunes', window: 8, stride: 8, format: 'fortune', seed: 1 }, split: { train: 0.75, validation: 0.25, test: 0 } };
  const data = await loadData(ir.data, { baseDir: FIXTURE_DIR, validationSplit: 0, shape: modelShape(ir), saved: null });
  return { ir, data };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('regularization experiment', () => {
  it('has four valid specs that differ only in the lstm block', async () => {
    const irs = await Promise.all(VARIANTS.map(({ name }) => variantIr(name)));
    const shared = (ir: ModelIR): string => JSON.stringify([ir.input, ir.heads, ir.train, ir.data]);
    expect(new Set(irs.map(shared)).size).toBe(1);
    const recurrent = irs.map((ir) => JSON.stringify(ir.layers));
    expect(new Set(recurrent).size).toBe(VARIANTS.length);
    expect(irs[0].data?.source).toMatchObject({ type: 'text', format: 'fortune' });
  });

  it('spreads the evaluated training windows over the whole set', () => {
    expect(evenlySpread(10, 4)).toEqual([0, 2, 5, 7]);
    expect(evenlySpread(3, 5)).toEqual([0, 1, 2]);
    expect(bitsPerCharacter(Math.LN2 * 1.5)).toBeCloseTo(1.5, 12);
  });

  it('trains one epoch of zoneout on the fixture: finite BPC, the same again for the same seed', async () => {
    const { ir, data } = await tinyVariant('zoneout');
    const [first] = await trainAndMeasure(ir, data, 1, 1);
    const [again] = await trainAndMeasure(ir, data, 1, 1);
    for (const value of [first.trainBpc, first.validationBpc, first.noisyTrainBpc]) {
      expect(Number.isFinite(value)).toBe(true);
      // An untrained model over a vocabulary of a few dozen characters: a few bits, more than 1.
      expect(value).toBeGreaterThan(1);
      expect(value).toBeLessThan(10);
    }
    expect({ ...again, seconds: 0 }).toEqual({ ...first, seconds: 0 });
  }, 60_000);

  it('tabulates and draws every variant it has runs of', () => {
    const point = (epoch: number, train: number, validation: number) => ({ epoch, noisyTrainBpc: train + 0.1, trainBpc: train, validationBpc: validation, seconds: 1 });
    const runs: VariantRun[] = [1, 2].map((seed) => ({ variant: 'none', seed, seconds: 60, epochs: [point(1, 3, 3.5), point(2, 2, 3 + seed / 10)] }));
    const text = table(runs);
    expect(text.split('\n')).toHaveLength(3);
    // Last epoch: train 2, validation 3.1 and 3.2 → gap 1.15 ± 0.071; best validation at epoch 2 for both seeds.
    expect(text).toContain('| no regularization | 2.000 ± 0.000 | 3.150 ± 0.071 | 1.150 ± 0.071 | 3.150 ± 0.071 (2, 2) |');
    expect(figure(runs, 'title')).toContain('no regularization');
  });
});
