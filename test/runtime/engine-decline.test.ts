/**
 * The engines are opt-in accelerators: the fused training op and the wasm heap loop decline a cell or norm
 * kind whose descriptor lacks their kernel, and the step loop, which runs everything, computes it instead.
 *
 * 1. The engine-selection functions decline a descriptor without the kernel (and accept the real one).
 * 2. With every cell's and norm kind's accelerators removed from the registries (as a variant without any
 *    would be registered), the fused op and the heap loop are made to throw if reached, and layers of every
 *    cell and norm kind still equal the float64 reference, in training and at inference, on cpu and wasm
 *    (where the accelerators would otherwise run: the fused op in training on both and at inference on cpu,
 *    the heap loop at inference on wasm).
 */
import { describe, expect, it, vi } from 'vitest';
import type { CellDescriptor } from '../../src/runtime/recurrent/cells/registry.js';
import type { NormDescriptor } from '../../src/runtime/recurrent/norms/types.js';
import { CELL_KINDS, hasGates, NORM_FACTS, NORM_KINDS } from '../../src/variants/index.js';
import { describeBackends } from '../helpers/backends.js';
import { layerConfig, makeNorm, plainConfig } from '../helpers/recurrent.js';
import { numericCases } from './reference/cases.js';
import { compareWithReference } from './reference/compare.js';

vi.mock('../../src/runtime/recurrent/cells/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/runtime/recurrent/cells/registry.js')>();
  const stepOnly = Object.fromEntries(Object.entries(original.CELL_DESCRIPTORS).map(([cell, descriptor]) => [cell, { step: descriptor.step }]));
  return { ...original, CELL_DESCRIPTORS: stepOnly, cellDescriptor: (cell: string) => stepOnly[cell], ORIGINAL: original.CELL_DESCRIPTORS };
});
vi.mock('../../src/runtime/recurrent/norms/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/runtime/recurrent/norms/registry.js')>();
  const reference = Object.fromEntries(
    Object.entries(original.NORM_DESCRIPTORS).map(([kind, descriptor]): [string, NormDescriptor] => [kind, { ...descriptor, fused: undefined, inferenceForm: undefined }]),
  );
  return { ...original, NORM_DESCRIPTORS: reference, normDescriptor: (kind: string) => reference[kind], ORIGINAL: original.NORM_DESCRIPTORS };
});
vi.mock('../../src/runtime/recurrent/fused/op.js', () => ({
  runFused: () => {
    throw new Error('the fused op ran a variant it should have declined');
  },
}));
vi.mock('../../src/runtime/recurrent/heap/run.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/runtime/recurrent/heap/run.js')>()),
  runHeapDirection: () => {
    throw new Error('the heap loop ran a variant it should have declined');
  },
}));

const { fusedPlanFor } = await import('../../src/runtime/recurrent/fused/registry.js');
const { heapLoopSupports } = await import('../../src/runtime/recurrent/heap/run.js');
const cells = (await import('../../src/runtime/recurrent/cells/registry.js')) as unknown as { ORIGINAL: Record<string, CellDescriptor> };
const norms = (await import('../../src/runtime/recurrent/norms/registry.js')) as unknown as { ORIGINAL: Record<string, NormDescriptor> };

/** A config of `cell` with a `kind` norm at the recurrent site (inside the fused loop) and at hidden. */
function normalized(cell: (typeof CELL_KINDS)[number], kind: (typeof NORM_KINDS)[number]) {
  const groups = hasGates(cell) ? 'gates_and_candidate' : 'all';
  return layerConfig(plainConfig(cell, 3, { norms: [makeNorm('recurrent', kind, { groups }), makeNorm('hidden', kind)] }));
}

describe('engine selection declines what a descriptor does not accelerate', () => {
  for (const cell of CELL_KINDS) {
    it(`${cell}: accelerated with the kernels it has, declined without them`, () => {
      const config = layerConfig(plainConfig(cell));
      const full = cells.ORIGINAL[cell];
      // A cell without an accelerator (the IndRNN) is declined even with its own descriptor.
      expect(fusedPlanFor(config, full) !== null).toBe(full.fused !== undefined);
      expect(heapLoopSupports(config, full)).toBe(full.heap !== undefined);
      expect(fusedPlanFor(config, { step: full.step })).toBeNull();
      expect(heapLoopSupports(config, { step: full.step })).toBe(false);
    });
  }
  for (const kind of NORM_KINDS) {
    it(`${kind} norm: fused with its form, declined without it`, () => {
      const config = normalized('lstm', kind);
      const original = (norm: { kind: string }) => norms.ORIGINAL[norm.kind];
      expect(fusedPlanFor(config, cells.ORIGINAL.lstm, original)?.loopNorms.length).toBe(2);
      expect(fusedPlanFor(config, cells.ORIGINAL.lstm, (norm) => ({ ...original(norm), fused: undefined }))).toBeNull();
    });
  }
});

// A few reference cases of every cell and norm kind, in training and at inference, and every cell's weight-drop
// cases (the step loop's masked U in training, where the fused op would otherwise run).
const CASES = numericCases().filter((testCase) => {
  const kinds = new Set(testCase.config.norms.map((norm) => norm.kind));
  if (testCase.config.dropout.recurrentWeights !== undefined) return true;
  return testCase.config.norms.length >= 2 && NORM_KINDS.some((kind) => kinds.has(kind)) && /mixed|every site|preset/.test(testCase.name);
});

describeBackends(['cpu', 'wasm'], () => {
  it('the cases cover every cell and norm kind, in training and at inference', () => {
    expect(new Set(CASES.map((testCase) => testCase.config.cell))).toEqual(new Set(CELL_KINDS));
    expect(new Set(CASES.flatMap((testCase) => testCase.config.norms.map((norm) => norm.kind)))).toEqual(new Set(NORM_KINDS));
    expect(new Set(CASES.map((testCase) => testCase.training))).toEqual(new Set([true, false]));
    expect(NORM_KINDS.some((kind) => NORM_FACTS[kind].batchStatistics)).toBe(true);
    const weightDrop = CASES.filter((testCase) => testCase.training && testCase.config.dropout.recurrentWeights !== undefined);
    expect(new Set(weightDrop.map((testCase) => testCase.config.cell))).toEqual(new Set(CELL_KINDS));
  });
  for (const testCase of CASES) it(`step loop only: ${testCase.name}`, () => compareWithReference(testCase));
});
