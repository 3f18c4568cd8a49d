import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Prng } from '../../src/data/index.js';
import type { DataIR } from '../../src/ir/types.js';
import { argmaxIndex, sampleIndex } from '../../src/train/generate.js';
import { generateText } from '../../src/train/index.js';
import { headIr, sineIr } from './fixtures.js';
import { tempDir, train } from './helpers.js';

// Five characters in the vocabulary; the slots after them (unknown, unused features) hold most of the mass.
const VOCABULARY = 5;
const PROBABILITIES = [0.01, 0.04, 0.02, 0.03, 0.0, 0.3, 0.35, 0.25];
const TEMPERATURES = [1e-6, 0, 1, 50, 1e6];

function draws(temperature: number, count: number, probabilities: number[] = PROBABILITIES): number[] {
  const random = new Prng(11);
  return Array.from({ length: count }, () => sampleIndex(probabilities, temperature, random, VOCABULARY));
}

describe('sampleIndex', () => {
  for (const temperature of TEMPERATURES) {
    it(`never draws a slot outside the vocabulary at temperature ${temperature}`, () => {
      const drawn = draws(temperature, 2000);
      expect(drawn.every((index) => Number.isInteger(index) && index >= 0 && index < VOCABULARY)).toBe(true);
    });
  }

  it('is greedy at temperature 0: the argmax of the vocabulary slots, whatever the random stream', () => {
    expect(argmaxIndex(PROBABILITIES, VOCABULARY)).toBe(1);
    expect(new Set(draws(0, 200))).toEqual(new Set([1]));
    expect(sampleIndex([0.2, 0.5, 0.5, 0.1], 0, new Prng(1))).toBe(1);
  });

  it('sharpens towards the argmax at a tiny temperature and flattens to uniform at a huge one', () => {
    expect(new Set(draws(1e-6, 500))).toEqual(new Set([1]));
    const counts = new Map<number, number>();
    for (const index of draws(1e6, 4000)) counts.set(index, (counts.get(index) ?? 0) + 1);
    // Slot 4 has probability 0, so weight 0 at any temperature; the other four are near-uniform.
    expect(counts.get(4)).toBeUndefined();
    for (const index of [0, 1, 2, 3]) expect(counts.get(index)).toBeGreaterThan(800);
  });

  it('follows the probabilities at temperature 1', () => {
    const drawn = draws(1, 10_000, [0.1, 0.2, 0.3, 0.4, 0]);
    const share = (index: number): number => drawn.filter((d) => d === index).length / drawn.length;
    expect(share(3)).toBeCloseTo(0.4, 1);
    expect(share(0)).toBeCloseTo(0.1, 1);
  });

  it('draws uniformly from the vocabulary when every probability there is 0', () => {
    const drawn = draws(1, 400, [0, 0, 0, 0, 0, 1, 1, 1]);
    expect(new Set(drawn)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('refuses a negative or NaN temperature', () => {
    expect(() => sampleIndex(PROBABILITIES, -1, new Prng(1))).toThrow(RangeError);
    expect(() => sampleIndex(PROBABILITIES, Number.NaN, new Prng(1))).toThrow(RangeError);
  });
});

describe('generateText at extreme temperatures', () => {
  it('prints only vocabulary characters, and greedy decoding does not depend on the seed', async () => {
    const root = await tempDir();
    const corpus = join(root, 'corpus.txt');
    await writeFile(corpus, 'the cat sat on the mat. '.repeat(20));
    const data: DataIR = { source: { type: 'text', path: corpus, window: 12, stride: 6 }, split: { train: 0.8, validation: 0.2, test: 0 } };
    // 16 features for a vocabulary of 10 characters: slots 10 (unknown) to 15 are never characters.
    const ir = {
      ...sineIr({ data, train: { epochs: 1 } }),
      input: { steps: 12, features: 16, padding: null },
      heads: [headIr(16, 12, { activation: 'softmax', loss: 'categorical_crossentropy', metrics: ['categorical_accuracy'] })],
    };
    const { result } = await train(ir, root);
    for (const temperature of TEMPERATURES) {
      const text = await generateText(result.runDir, { length: 25, prime: 'the ', temperature, seed: 5 });
      expect(text).toHaveLength(29);
      expect([...text.slice(4)].every((char) => 'the catsonm.'.includes(char))).toBe(true);
    }
    const greedy = await generateText(result.runDir, { length: 25, prime: 'the ', temperature: 0, seed: 1 });
    expect(await generateText(result.runDir, { length: 25, prime: 'the ', temperature: 0, seed: 2 })).toBe(greedy);

    // The CLI takes 0 (greedy) and refuses a negative temperature as a usage error.
    const cli = async (temperature: string): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
      try {
        const code = await main(['predict', result.runDir, '--generate', '25', '--prime', 'the ', '--temperature', temperature]);
        return { code, out, err };
      } finally {
        vi.restoreAllMocks();
        process.exitCode = undefined;
      }
    };
    const zero = await cli('0');
    expect(zero.code).toBe(0);
    expect(zero.out).toBe(`${greedy}\n`);
    const negative = await cli('-1');
    expect(negative.code).toBe(2);
    expect(negative.err).toContain("--temperature must be a number, 0 (greedy) or more (got '-1')");
  });
});
