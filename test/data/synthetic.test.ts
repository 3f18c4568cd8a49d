import { describe, expect, it } from 'vitest';
import { COPY_BLANK, COPY_DELIMITER, loadData, type ModelShape, type PreparedData } from '../../src/data/index.js';
import type { SyntheticTask } from '../../src/ir/types.js';
import { shape } from './helpers.js';

function load(task: SyntheticTask, steps: number, modelShape: ModelShape, seed = 4): Promise<PreparedData> {
  return loadData(
    { source: { type: 'synthetic', task, samples: 10, steps, seed }, split: { train: 0.8, validation: 0.1, test: 0.1 } },
    { baseDir: '.', validationSplit: 0, shape: modelShape, saved: null },
  );
}

describe('synthetic sources', () => {
  it('sine_cosine: every step lies on one unit circle with a non-negative first cosine and a constant angle step', async () => {
    const data = await load('sine_cosine', 20, shape({ steps: 20, perStep: true }));
    expect(data.train.count).toBe(8);
    for (let i = 0; i < 8; i++) {
      const angle = (t: number): number => Math.atan2(data.train.x[i * 20 + t], data.train.y[i * 20 + t]);
      for (let t = 0; t < 20; t++) expect(data.train.x[i * 20 + t] ** 2 + data.train.y[i * 20 + t] ** 2).toBeCloseTo(1, 5);
      expect(data.train.y[i * 20]).toBeGreaterThanOrEqual(0);
      const omega = (angle(1) - angle(0) + 2 * Math.PI) % (2 * Math.PI);
      expect(omega).toBeGreaterThanOrEqual(0.1 - 1e-5);
      expect(omega).toBeLessThan(0.6);
      const later = (angle(5) - angle(4) + 2 * Math.PI) % (2 * Math.PI);
      expect(later).toBeCloseTo(omega, 4);
    }
  });

  it('is reproducible from its seed and differs between seeds', async () => {
    const a = await load('sine_cosine', 20, shape({ steps: 20, perStep: true }), 1);
    const b = await load('sine_cosine', 20, shape({ steps: 20, perStep: true }), 1);
    const c = await load('sine_cosine', 20, shape({ steps: 20, perStep: true }), 2);
    expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
    expect(Array.from(a.train.x)).not.toEqual(Array.from(c.train.x));
  });

  it('adding: two markers, one per half, and the target is the sum of the marked values', async () => {
    const data = await load('adding', 10, shape({ steps: 10, features: 2 }));
    for (let i = 0; i < data.train.count; i++) {
      const steps = Array.from({ length: 10 }, (_, t) => [data.train.x[(i * 10 + t) * 2], data.train.x[(i * 10 + t) * 2 + 1]]);
      const marked = steps.map(([, marker], t) => (marker === 1 ? t : -1)).filter((t) => t >= 0);
      expect(marked).toHaveLength(2);
      expect(marked[0]).toBeLessThan(5);
      expect(marked[1]).toBeGreaterThanOrEqual(5);
      expect(data.train.y[i]).toBeCloseTo(steps[marked[0]][0] + steps[marked[1]][0], 6);
    }
  });

  it('copy: K = floor(T/3) symbols, the delimiter at T−K−1, and the symbols repeated in the last K target steps', async () => {
    const data = await load('copy', 9, shape({ steps: 9, features: 10, targetUnits: 10, perStep: true }));
    const hot = (values: Float32Array, sample: number): number[] =>
      Array.from({ length: 9 }, (_, t) => values.subarray((sample * 9 + t) * 10, (sample * 9 + t + 1) * 10).indexOf(1));
    for (let i = 0; i < data.train.count; i++) {
      const input = hot(data.train.x, i);
      const target = hot(data.train.y, i);
      const symbols = input.slice(0, 3);
      expect(symbols.every((s) => s >= 0 && s < 8)).toBe(true);
      expect(input.slice(3)).toEqual([COPY_BLANK, COPY_BLANK, COPY_DELIMITER, COPY_BLANK, COPY_BLANK, COPY_BLANK]);
      expect(target).toEqual([COPY_BLANK, COPY_BLANK, COPY_BLANK, COPY_BLANK, COPY_BLANK, COPY_BLANK, ...symbols]);
    }
  });

  it('refuses a model of the wrong shape', async () => {
    await expect(load('adding', 10, shape({ steps: 10, features: 1 }))).rejects.toThrow(/synthetic adding has 2 feature\(s\) per step, but the model's input has 1/);
    await expect(load('copy', 9, shape({ steps: 9, features: 10, targetUnits: 10 }))).rejects.toThrow(/needs a head of 10 unit\(s\) at each_step/);
    await expect(load('sine_cosine', 20, shape({ steps: 30, perStep: true }))).rejects.toThrow(/generates 20 steps, but the model's input has 30/);
  });
});
