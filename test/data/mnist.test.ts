/**
 * The `mnist` source against the package's own digits, read here independently: the shuffle before the split
 * is a permutation of all 10 000 digits, 14×14 is the mean of 2×2 blocks, rows are the pixel sequence cut in
 * rows, and `permute` is one fixed permutation of the steps shared by every image.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadData, type PreparedData, type SampleSet } from '../../src/data/index.js';
import type { DataIR } from '../../src/ir/types.js';
import { shape } from './helpers.js';

type MnistSource = Extract<DataIR['source'], { type: 'mnist' }>;
const SPLIT = { train: 0.6, validation: 0.2, test: 0.2 };

function source(overrides: Partial<MnistSource> = {}): MnistSource {
  return { type: 'mnist', size: 14, order: 'pixels', permute: null, samples: 200, seed: 1, ...overrides };
}

function load(mnist: MnistSource): Promise<PreparedData> {
  const pixels = mnist.order === 'pixels';
  const modelShape = shape({ steps: pixels ? mnist.size ** 2 : mnist.size, features: pixels ? 1 : mnist.size, targetUnits: 10 });
  return loadData({ source: mnist, split: SPLIT }, { baseDir: '.', validationSplit: 0, shape: modelShape, saved: null });
}

/** Sample i's inputs. */
function sample(set: SampleSet, i: number): Float32Array {
  const size = set.steps * set.features;
  return set.x.slice(i * size, (i + 1) * size);
}

function label(set: SampleSet, i: number): number {
  const row = Array.from(set.y.slice(i * 10, (i + 1) * 10));
  expect(row.filter((v) => v === 1)).toHaveLength(1);
  expect(row.filter((v) => v === 0)).toHaveLength(9);
  return row.indexOf(1);
}

/** Every 28×28 image of the package, as the package stores it, keyed by its pixels (to find a sample's original). */
let originals: Map<string, number>;
let images28: Float32Array[];

beforeAll(() => {
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  originals = new Map();
  images28 = [];
  for (let digit = 0; digit < 10; digit++) {
    const data = (JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data: number[] }).data;
    for (let start = 0; start < data.length; start += 784) {
      const image = Float32Array.from(data.slice(start, start + 784));
      originals.set(Array.from(image).join(','), digit);
      images28.push(image);
    }
  }
});

describe('mnist source', () => {
  it('the package holds 10 000 digits of every class', () => {
    expect(images28).toHaveLength(10_000);
    expect(new Set(originals.values()).size).toBe(10);
  });

  it('28×28 pixels: each sample is one of the package’s digits, with its label, split 60/20/20, classes mixed', async () => {
    const data = await load(source({ size: 28, samples: 100 }));
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([60, 20, 20]);
    expect([data.train.steps, data.train.features]).toEqual([784, 1]);
    const labels = new Set<number>();
    for (const set of [data.train, data.validation, data.test]) {
      for (let i = 0; i < set.count; i++) {
        const digit = originals.get(Array.from(sample(set, i)).join(','));
        expect(digit).toBe(label(set, i));
        labels.add(label(set, i));
      }
    }
    expect(labels.size).toBeGreaterThanOrEqual(8);
  });

  it('14×14 is the mean of each 2×2 block of the 28×28 image', async () => {
    const full = await load(source({ size: 28, samples: 20 }));
    const small = await load(source({ size: 14, samples: 20 }));
    for (let i = 0; i < small.train.count; i++) {
      const big = sample(full.train, i);
      const got = sample(small.train, i);
      for (let r = 0; r < 14; r++) {
        for (let c = 0; c < 14; c++) {
          const mean = (big[2 * r * 28 + 2 * c] + big[2 * r * 28 + 2 * c + 1] + big[(2 * r + 1) * 28 + 2 * c] + big[(2 * r + 1) * 28 + 2 * c + 1]) / 4;
          expect(got[r * 14 + c]).toBeCloseTo(mean, 6);
        }
      }
      expect(label(small.train, i)).toBe(label(full.train, i));
    }
  });

  it('rows: the same pixels, one row of 14 features per step', async () => {
    const pixels = await load(source());
    const rows = await load(source({ order: 'rows' }));
    expect([rows.train.steps, rows.train.features]).toEqual([14, 14]);
    expect(Array.from(rows.test.x)).toEqual(Array.from(pixels.test.x));
  });

  it('permute: one fixed permutation of the steps, the same for every image, set by its seed', async () => {
    const natural = await load(source({ samples: 50 }));
    const permuted = await load(source({ samples: 50, permute: 7 }));
    const again = await load(source({ samples: 50, permute: 7 }));
    const other = await load(source({ samples: 50, permute: 8 }));
    expect(Array.from(again.train.x)).toEqual(Array.from(permuted.train.x));
    expect(Array.from(other.train.x)).not.toEqual(Array.from(permuted.train.x));
    // Recover the permutation from images where it is unambiguous: for each step t, the source steps whose
    // value agrees with step t in every image. A fixed permutation leaves at least one candidate for each t.
    const count = natural.train.count;
    const candidates = Array.from({ length: 196 }, (_, t) =>
      Array.from({ length: 196 }, (_, s) => s).filter((s) => Array.from({ length: count }, (_, i) => i).every((i) => sample(permuted.train, i)[t] === sample(natural.train, i)[s])),
    );
    expect(candidates.every((list) => list.length > 0)).toBe(true);
    expect(candidates.filter((list, t) => !list.includes(t)).length).toBeGreaterThan(150);
  });

  it('the split is fixed by the source’s seed: another seed holds out other digits', async () => {
    const a = await load(source({ samples: 100 }));
    const b = await load(source({ samples: 100, seed: 2 }));
    expect(Array.from(a.test.x)).toEqual(Array.from((await load(source({ samples: 100 }))).test.x));
    expect(Array.from(a.test.x)).not.toEqual(Array.from(b.test.x));
  });

  it('refuses a model that does not read its layout, naming what would fit', async () => {
    const wrong = loadData({ source: source(), split: SPLIT }, { baseDir: '.', validationSplit: 0, shape: shape({ steps: 196, features: 2, targetUnits: 10 }), saved: null });
    await expect(wrong).rejects.toThrow(/source mnist \(14×14, one pixel per step\) has 1 feature\(s\) per step, but the model's input has 2/);
    const perStep = loadData({ source: source(), split: SPLIT }, { baseDir: '.', validationSplit: 0, shape: shape({ steps: 196, targetUnits: 10, perStep: true }), saved: null });
    await expect(perStep).rejects.toThrow(/needs a head of 10 units per sequence/);
  });
});
