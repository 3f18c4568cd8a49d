/**
 * The compiled cell kernels (src/runtime/recurrent/heap/assembly/, embedded in heap/compiled.ts): the
 * embedded module is what the sources compile to, and the vector math they are built on (exp through σ
 * and tanh, hard sigmoid) is accurate against float64 over the whole float range, NaN included. The cells'
 * equations are checked where they are used, against the float64 reference (reference-grid, layer-heap).
 * Also: how the module becomes available where synchronous compilation is refused (browsers).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNELS_MODULE, compileKernels, renderKernelsModule } from '../../scripts/heap-kernels.js';
import { ACTIVATION_CODES, writeCell } from '../../src/runtime/recurrent/heap/cells.js';
import { KernelModule } from '../../src/runtime/recurrent/heap/compiled-kernels.js';
import type { CellFields } from '../../src/runtime/recurrent/heap/cells.js';
import type { HeapKernels } from '../../src/runtime/recurrent/heap/heap.js';
import { heapKernels } from '../../src/runtime/recurrent/heap/kernels.js';
import type { WebAssemblyApi } from '../../src/runtime/recurrent/heap/webassembly.js';

const ROOT = join(import.meta.dirname, '../..');

describe('compiled cell kernels', () => {
  it('heap/compiled.ts is what the AssemblyScript sources compile to (run `npm run kernels` after editing them)', async () => {
    const expected = renderKernelsModule(await compileKernels(ROOT));
    expect(readFileSync(join(ROOT, KERNELS_MODULE), 'utf8')).toBe(expected);
  }, 60_000);
});

/** Inputs from −100 to 100, dense near 0, plus the saturations and NaN. */
function grid(): number[] {
  const values = [0, -0, Number.NaN, 1e-30, -1e-30, 88.7, -87.5, 200, -200];
  for (let i = -4000; i <= 4000; i += 1) values.push(i / 40 + ((i * 7919) % 13) / 1000);
  for (let e = -20; e <= 0; e += 1) values.push(2 ** e, -(2 ** e));
  return values.map(Math.fround);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** One kernel step for a batch of `values.length` examples with one unit each: input term `values`, states 0. */
function stepOne(kernels: HeapKernels, cell: 'lstm' | 'rnn', values: number[], fields: Partial<CellFields> = {}): { h: Float32Array; c: Float32Array } {
  const batch = values.length;
  const gates = cell === 'lstm' ? 4 : 1;
  // LSTM gate blocks i, f, g, o per example: i = the value, f = anything (c starts at 0), g = 30 (tanh = 1), o = 30.
  const input = new Float32Array(batch * gates);
  values.forEach((value, b) => (cell === 'lstm' ? input.set([value, 0, 30, 30], 4 * b) : (input[b] = value)));
  const inputBuffer = kernels.constant(input, [batch, gates]);
  const recurrent = kernels.constant(new Float32Array(batch * gates), [batch, gates]);
  const [h, c] = [kernels.buffer([batch, 1]), kernels.buffer([batch, 1])];
  kernels.floats(h).fill(0);
  kernels.floats(c).fill(0);
  const address = writeCell(kernels, {
    ...{ batch, units: 1, activation: ACTIVATION_CODES.tanh, gateActivation: ACTIVATION_CODES.sigmoid, resetAfter: false, carryNormalized: false, bias: null, zoneoutHidden: 0, zoneoutCell: 0, outputStride: 0 },
    ...{ recurrentNorm: 0, candidateRecurrentNorm: 0, gatesNorm: 0, candidateGatesNorm: 0, cellNorm: 0, hiddenNorm: 0 },
    ...fields,
  });
  const at = (buffer: typeof h) => kernels.address(buffer);
  if (cell === 'lstm') kernels.cells.lstmStep(address, 0, at(inputBuffer), at(recurrent), at(h), at(c), 0, 0);
  else kernels.cells.rnnStep(address, 0, at(inputBuffer), at(recurrent), at(h), 0, 0);
  return { h: kernels.floats(h).slice(), c: kernels.floats(c).slice() };
}

describe('compiled kernels on the wasm backend: vector math', () => {
  let kernels: HeapKernels;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const available = heapKernels();
    if (available === null) throw new Error('the compiled kernels did not load or failed their probe on the wasm backend');
    kernels = available;
  });
  afterAll(() => kernels.dispose());

  /** Largest error, and the input where it happens; NaN must map to NaN. */
  function worst(values: number[], actual: Float32Array, exact: (x: number) => number, relative: boolean): { error: number; at: number } {
    let result = { error: 0, at: 0 };
    values.forEach((x, i) => {
      if (Number.isNaN(x)) {
        expect(actual[i], `NaN in gives NaN out`).toBeNaN();
        return;
      }
      const expected = exact(x);
      const error = Math.abs(actual[i] - expected) / (relative ? Math.max(Math.abs(expected), 1e-38) : 1);
      if (error > result.error) result = { error, at: x };
    });
    return result;
  }

  it('tanh (simple RNN step): absolute error below 3e-7 from −200 to 200, exactly ±1 at saturation', () => {
    const values = grid();
    const { h } = stepOne(kernels, 'rnn', values);
    expect(worst(values, h, Math.tanh, false).error).toBeLessThan(3e-7);
    expect(h[values.indexOf(200)]).toBe(1);
    expect(h[values.indexOf(-200)]).toBe(-1);
  });

  it('σ (LSTM input gate, read from the cell state σ(i)·tanh(30)): relative error below 3e-7 where σ is a normal float', () => {
    const values = grid().filter((x) => Number.isNaN(x) || x > -80);
    const { c } = stepOne(kernels, 'lstm', values);
    // tanh(30) rounds to 1 in float32, so c is σ(i) itself.
    expect(worst(values, c, sigmoid, true).error).toBeLessThan(3e-7);
  });

  it('σ underflows to tiny values, not to garbage, far below −80', () => {
    const values = [-85, -87, -88, -100, -1e10].map(Math.fround);
    const { c } = stepOne(kernels, 'lstm', values);
    for (const value of c) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of c) expect(value).toBeLessThan(1e-36);
  });

  it("hard sigmoid (tfjs's clip(0.2·x + 0.5, 0, 1)) is exact", () => {
    const values = grid();
    const { c } = stepOne(kernels, 'lstm', values, { gateActivation: ACTIVATION_CODES.hard_sigmoid });
    const hard = (x: number) => Math.min(1, Math.max(0, Math.fround(Math.fround(0.2 * x) + 0.5)));
    expect(worst(values, c, hard, false).error).toBeLessThan(1e-7);
  });

  // tfjs's definitions (selu's constants from tfjs-core's selu_util); errors relative to max(1, |f(x)|).
  const SELU = { alpha: 1.6732632423543772, scale: 1.0507009873554805 };
  const OTHERS: [keyof typeof ACTIVATION_CODES, (x: number) => number][] = [
    ['relu', (x) => Math.max(0, x)],
    ['linear', (x) => x],
    ['elu', (x) => (x > 0 ? x : Math.expm1(x))],
    ['selu', (x) => SELU.scale * (x > 0 ? x : SELU.alpha * Math.expm1(x))],
    ['softsign', (x) => x / (1 + Math.abs(x))],
    ['swish', (x) => x * sigmoid(x)],
    ['sigmoid', sigmoid],
  ];
  for (const [name, exact] of OTHERS) {
    it(`${name} as the simple RNN's activation: error below 3e-7 of max(1, |${name}(x)|) from −200 to 200`, () => {
      const values = grid();
      const { h } = stepOne(kernels, 'rnn', values, { activation: ACTIVATION_CODES[name] });
      let worstError = 0;
      values.forEach((x, i) => {
        if (Number.isNaN(x)) return expect(h[i]).toBeNaN();
        const expected = exact(x);
        worstError = Math.max(worstError, Math.abs(h[i] - expected) / Math.max(1, Math.abs(expected)));
      });
      expect(worstError).toBeLessThan(3e-7);
    });
  }
});

describe('KernelModule: how the compiled kernels become available', () => {
  const bytes = () => Uint8Array.of(0, 97, 115, 109);
  /** A stand-in for the WebAssembly API: synchronous compilation refused (as on a browser's main thread) or not. */
  function fakeApi(syncAllowed: boolean, asyncResult: 'resolve' | 'reject') {
    const compiled = { compiled: true };
    let finish: () => void = () => undefined;
    const api = {
      Module: Object.assign(
        function Module(this: object) {
          if (!syncAllowed) throw new RangeError('WebAssembly.Module is disallowed on the main thread, if the buffer size is larger than 4KB');
          return compiled;
        } as unknown as WebAssemblyApi['Module'],
        { imports: () => [] },
      ),
      Instance: function Instance() {
        return { exports: {} };
      } as unknown as WebAssemblyApi['Instance'],
      compile: () =>
        new Promise<object>((resolve, reject) => {
          finish = () => (asyncResult === 'resolve' ? resolve(compiled) : reject(new Error('no SIMD')));
        }),
    };
    return { api, compiled, finish: () => finish() };
  }

  it('compiles synchronously where the host allows it', () => {
    const { api, compiled } = fakeApi(true, 'resolve');
    expect(new KernelModule(api, bytes).get()).toBe(compiled);
  });

  it('where synchronous compilation is refused, answers null until the background compilation is done', async () => {
    const { api, compiled, finish } = fakeApi(false, 'resolve');
    const source = new KernelModule(api, bytes);
    expect(source.get()).toBeNull();
    expect(source.get()).toBeNull();
    finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(source.get()).toBe(compiled);
  });

  it('stays unavailable when the host cannot compile it at all, or has no WebAssembly', async () => {
    const { api, finish } = fakeApi(false, 'reject');
    const source = new KernelModule(api, bytes);
    expect(source.get()).toBeNull();
    finish();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(source.get()).toBeNull();
    expect(new KernelModule(null, bytes).get()).toBeNull();
  });
});
