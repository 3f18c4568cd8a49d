/**
 * `SeqnetRecurrent` (float32) against the float64 reference on random weights and inputs, for every cell ×
 * norm site × kind × grouping the IR allows and the feature cases of reference/cases.ts, on cpu and wasm.
 */
import { it } from 'vitest';
import { describeBackends } from '../helpers/backends.js';
import { numericCases } from './reference/cases.js';
import { compareWithReference } from './reference/compare.js';

describeBackends(['cpu', 'wasm'], () => {
  for (const testCase of numericCases()) it(testCase.name, () => compareWithReference(testCase));
});
