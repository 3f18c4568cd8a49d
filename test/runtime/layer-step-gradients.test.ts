/**
 * The general step loop (used whenever a norm or dropout sits inside the recurrence) differentiated by tfjs:
 * with the fused op switched off, the same gradient comparisons against tfjs's own layers must hold.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/runtime/recurrent/fused/registry.js', () => ({ fusedPlanFor: () => null }));

const { compareWithTfjs, GRADIENT_CASES } = await import('./layer-fixtures.js');

describe('step-loop backward passes equal tfjs autodiff of its own layers', () => {
  for (const testCase of GRADIENT_CASES) {
    it(`${testCase.cell}, ${testCase.recurrentActivation}, ${testCase.returnSequences ? 'all outputs' : 'last output'}${testCase.masked ? ', masked' : ''}`, () => {
      for (const difference of compareWithTfjs(testCase)) expect(difference).toBeLessThan(2e-5);
    });
  }
});
