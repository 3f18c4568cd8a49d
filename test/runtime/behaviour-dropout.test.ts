/**
 * Dropout and zoneout in `SeqnetRecurrent`, observed through constructions that expose the masks: a linear
 * simple RNN whose kernel is the identity and recurrent kernel zero outputs `x̃_t` (input dropout) or the
 * dropped candidate itself; with the kernels swapped it multiplies the state by the recurrent mask each step.
 * Checked: identity at inference, fresh masks per training call, mask lifetime (per sequence or per step),
 * inverted scaling, zoneout keeping previous values elementwise, and seeding through src/runtime/random.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CellKind, RecurrentDropoutIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/index.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { applyLayer, buildLayer, plainConfig, randomWeights } from '../helpers/recurrent.js';
import { runReference } from './reference/run.js';
import type { DirectionWeights, ReferenceConfig } from './reference/types.js';

const UNITS = 16;
const BATCH = 32;
const STEPS = 4;
const NO_DROPOUT: RecurrentDropoutIR = { input: null, recurrent: null, candidate: null, zoneout: null };

const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 : 0)));
const zeroMatrix = (n: number) => identity(n).map((row) => row.map(() => 0));
const ones = (steps = STEPS) => Array.from({ length: BATCH }, () => Array.from({ length: steps }, () => new Array<number>(UNITS).fill(1)));

/** Linear RNN: `h_t = x_t` (identity kernel) or `h_t = h_{t−1}` (identity recurrent kernel). */
function probe(dropout: RecurrentDropoutIR, pass: 'input' | 'state') {
  const config: ReferenceConfig = plainConfig('rnn', UNITS, { activation: 'linear', useBias: false, dropout, returnState: true });
  const kernel = pass === 'input' ? identity(UNITS) : zeroMatrix(UNITS);
  const recurrentKernel = pass === 'state' ? identity(UNITS) : zeroMatrix(UNITS);
  const weights: DirectionWeights[] = [{ kernel, recurrentKernel, bias: null, norms: {} }];
  return buildLayer(config, weights, STEPS, UNITS);
}

const stepSlice = (y: number[][][], t: number) => y.map((sequence) => sequence[t]);
const flat = (v: unknown) => (v as unknown[]).flat(3) as number[];

function expectScaledMask(values: number[], rate: number): void {
  const scaled = 1 / (1 - rate);
  const offMask = values.filter((v) => Math.abs(v) > 1e-6 && Math.abs(v - scaled) > 1e-5);
  expect(offMask, `every value is 0 or 1/keep = ${scaled}`).toEqual([]);
}

describeBackends(['cpu', 'wasm'], () => {
  const forms: [string, RecurrentDropoutIR][] = [
    ['input, per sequence', { ...NO_DROPOUT, input: { rate: 0.5, mask: 'sequence' } }],
    ['input, per step', { ...NO_DROPOUT, input: { rate: 0.5, mask: 'step' } }],
    ['candidate, per step', { ...NO_DROPOUT, candidate: { rate: 0.5, mask: 'step' } }],
    ['candidate, per sequence', { ...NO_DROPOUT, candidate: { rate: 0.5, mask: 'sequence' } }],
  ];
  for (const [label, dropout] of forms) {
    describe(`dropout on the ${label}`, () => {
      it('is the identity at inference and deterministic', () => {
        const layer = probe(dropout, 'input');
        const first = applyLayer(layer, ones())[0];
        expectClose(first as number[][][], ones(), 0, 'inference output');
        expect(applyLayer(layer, ones())[0]).toEqual(first);
        layer.dispose();
      });

      it('draws a new mask on every training call, with inverted scaling', () => {
        seedRandom(7);
        const layer = probe(dropout, 'input');
        const a = applyLayer(layer, ones(), { training: true })[0] as number[][][];
        const b = applyLayer(layer, ones(), { training: true })[0] as number[][][];
        expect(a).not.toEqual(b);
        expectScaledMask(flat(a), 0.5);
        // E[m/keep] = 1: the mean of 2048 (per step) or 512 (per sequence) independent draws stays near 1.
        const mean = flat(a).reduce((s, v) => s + v, 0) / flat(a).length;
        expect(Math.abs(mean - 1)).toBeLessThan(0.2);
        layer.dispose();
      });

      const perSequence = label.endsWith('per sequence');
      it(perSequence ? 'keeps one mask for every step of a call' : 'draws a new mask at every step', () => {
        seedRandom(8);
        const layer = probe(dropout, 'input');
        const y = applyLayer(layer, ones(), { training: true })[0] as number[][][];
        for (let t = 1; t < STEPS; t++) {
          if (perSequence) expect(stepSlice(y, t), `step ${t}`).toEqual(stepSlice(y, 0));
          else expect(stepSlice(y, t), `step ${t}`).not.toEqual(stepSlice(y, 0));
        }
        layer.dispose();
      });
    });
  }

  it('variational recurrent dropout uses the same mask on h_{t−1} at every step', () => {
    seedRandom(9);
    const layer = probe({ ...NO_DROPOUT, recurrent: { rate: 0.5 } }, 'state');
    const h0 = Array.from({ length: BATCH }, () => new Array<number>(UNITS).fill(1));
    const y = applyLayer(layer, ones(), { training: true, initialState: [h0] })[0] as number[][][];
    const first = stepSlice(y, 0);
    expectScaledMask(flat(first), 0.5);
    // h_t = h_{t−1} ⊙ m / keep with one m: h_t = (m / keep)^(t+1) elementwise.
    for (let t = 1; t < STEPS; t++) expectClose(stepSlice(y, t), first.map((row) => row.map((v) => v ** (t + 1))), 1e-6, `step ${t}`);
    expect(flat(first).some((v) => v === 0)).toBe(true);
    layer.dispose();
  });

  it('training calls are reproducible from seedRandom', () => {
    const layer = probe({ ...NO_DROPOUT, input: { rate: 0.3, mask: 'step' } }, 'input');
    seedRandom(123);
    const a = applyLayer(layer, ones(), { training: true })[0];
    seedRandom(123);
    const b = applyLayer(layer, ones(), { training: true })[0];
    expect(b).toEqual(a);
    layer.dispose();
  });

  it('zoneout in training keeps each unit either at its previous value or at the new one, unscaled, with new draws per step', () => {
    seedRandom(10);
    const layer = probe({ ...NO_DROPOUT, zoneout: { cell: 0, hidden: 0.5 } }, 'input');
    // Distinct values per step and unit, so "kept" and "updated" are told apart exactly.
    const x = Array.from({ length: BATCH }, (_, b) => Array.from({ length: STEPS }, (__, t) => Array.from({ length: UNITS }, (___, k) => t + 1 + 0.01 * k + 0.001 * b)));
    const y = applyLayer(layer, x, { training: true })[0] as number[][][];
    let kept = 0;
    let updated = 0;
    const patterns = new Set<string>();
    y.forEach((sequence, b) =>
      sequence.forEach((row, t) => {
        const keptHere = row.map((v, k) => {
          const previous = t === 0 ? 0 : sequence[t - 1][k];
          const isKept = Math.abs(v - previous) < 1e-5;
          const isNew = Math.abs(v - x[b][t][k]) < 1e-5;
          expect(isKept || isNew, `example ${b} step ${t} unit ${k}: ${v} is neither ${previous} nor ${x[b][t][k]}`).toBe(true);
          if (isKept) kept++;
          else updated++;
          return isKept ? '1' : '0';
        });
        if (b === 0) patterns.add(keptHere.join(''));
      }),
    );
    expect(kept).toBeGreaterThan(0.3 * (kept + updated));
    expect(updated).toBeGreaterThan(0.3 * (kept + updated));
    expect(patterns.size).toBeGreaterThan(1);
    layer.dispose();
  });

  for (const cell of ['lstm', 'gru', 'rnn'] as CellKind[]) {
    it(`${cell}: recurrent dropout acts only inside U·h (the carried state and the GRU interpolation use the undropped h)`, () => {
      // With U = 0 the recurrent product ignores h, so dropping h there changes nothing; a layer that also
      // dropped the state itself (tfjs GRU's memory loss, docs/runtime.md, GRU) would differ from the inference output.
      const random = new TestRandom(32);
      const config = plainConfig(cell, 8, { dropout: { ...NO_DROPOUT, recurrent: { rate: 0.5 } }, returnState: true });
      const weights = randomWeights(config, 3, random).map((w) => ({ ...w, recurrentKernel: w.recurrentKernel.map((row) => row.map(() => 0)) }));
      const x = random.tensor3(BATCH, STEPS, 3);
      const initial = cell === 'lstm' ? [random.matrix(BATCH, 8), random.matrix(BATCH, 8)] : [random.matrix(BATCH, 8)];
      const layer = buildLayer(config, weights, STEPS, 3);
      const inference = applyLayer(layer, x, { initialState: initial });
      const training = applyLayer(layer, x, { training: true, initialState: initial });
      training.forEach((value, k) => expectClose(value as number[][], inference[k] as number[][], 1e-6, k === 0 ? 'output' : `state ${k - 1}`));
      layer.dispose();
    });

    it(`${cell}: candidate dropout drops only the candidate, never the carried memory (Semeniuta et al.)`, () => {
      seedRandom(12);
      const random = new TestRandom(33);
      const base = plainConfig(cell, 8, { returnSequences: false, returnState: true });
      const weights = randomWeights(base, 3, random);
      const x = random.tensor3(BATCH, 1, 3);
      const initial = cell === 'lstm' ? [random.matrix(BATCH, 8), random.matrix(BATCH, 8)] : [random.matrix(BATCH, 8)];
      // The state that carries memory is c (LSTM) or h (GRU, RNN); its candidate block is columns [2u, 3u) (LSTM g, GRU h̃) or all of an RNN's.
      const memory = cell === 'lstm' ? 1 : 0;
      const full = runReference(base, weights, x, { training: false, initialState: initial }).states[memory];
      const candidateColumns = cell === 'rnn' ? [0, 8] : [16, 24];
      const silenced = weights.map((w) => {
        const zero = (row: number[]) => row.map((v, k) => (k >= candidateColumns[0] && k < candidateColumns[1] ? 0 : v));
        return { ...w, kernel: w.kernel.map(zero), recurrentKernel: w.recurrentKernel.map(zero), bias: zero(w.bias as number[]) };
      });
      // With a zero candidate pre-activation tanh gives 0: what remains is the kept memory (f⊙c, z⊙h, or 0).
      const kept = runReference(base, silenced, x, { training: false, initialState: initial }).states[memory];
      const layer = buildLayer({ ...base, dropout: { ...NO_DROPOUT, candidate: { rate: 0.5, mask: 'step' } } }, weights, 1, 3);
      const state = (applyLayer(layer, x, { training: true, initialState: initial })[1 + memory] as number[][]);
      let dropped = 0;
      state.forEach((row, b) =>
        row.forEach((v, k) => {
          const whenDropped = kept[b][k];
          const whenKept = kept[b][k] + (full[b][k] - kept[b][k]) / 0.5;
          const isDropped = Math.abs(v - whenDropped) < 1e-4;
          expect(isDropped || Math.abs(v - whenKept) < 1e-4, `example ${b} unit ${k}: ${v} is neither ${whenDropped} nor ${whenKept}`).toBe(true);
          if (isDropped) dropped++;
        }),
      );
      expect(dropped).toBeGreaterThan(0.3 * BATCH * 8);
      expect(dropped).toBeLessThan(0.7 * BATCH * 8);
      layer.dispose();
    });

    it(`${cell}: zoneout in training mixes previous and new states elementwise (new h from the un-zoned c)`, () => {
      seedRandom(11);
      const random = new TestRandom(31);
      const base = plainConfig(cell, 8, { returnSequences: false, returnState: true });
      const weights = randomWeights(base, 3, random);
      const x = random.tensor3(BATCH, 1, 3);
      const initial = cell === 'lstm' ? [random.matrix(BATCH, 8), random.matrix(BATCH, 8)] : [random.matrix(BATCH, 8)];
      const fresh = runReference(base, weights, x, { training: false, initialState: initial }).states;
      const zoned: ReferenceConfig = { ...base, dropout: { ...NO_DROPOUT, zoneout: { cell: cell === 'lstm' ? 0.5 : 0, hidden: 0.5 } } };
      const layer = buildLayer(zoned, weights, 1, 3);
      const states = applyLayer(layer, x, { training: true, initialState: initial }).slice(1) as number[][][];
      states.forEach((state, s) => {
        let kept = 0;
        state.forEach((row, b) =>
          row.forEach((v, k) => {
            const isKept = Math.abs(v - initial[s][b][k]) < 1e-5;
            const isNew = Math.abs(v - fresh[s][b][k]) < 1e-4;
            expect(isKept || isNew, `state ${s} example ${b} unit ${k}: ${v} vs previous ${initial[s][b][k]} / new ${fresh[s][b][k]}`).toBe(true);
            if (isKept) kept++;
          }),
        );
        expect(kept, `state ${s}: some units kept`).toBeGreaterThan(0);
        expect(kept, `state ${s}: some units updated`).toBeLessThan(BATCH * 8);
      });
      layer.dispose();
    });
  }
});
