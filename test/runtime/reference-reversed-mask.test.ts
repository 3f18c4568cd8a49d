/**
 * `SeqnetRecurrent` against the float64 reference on masked sequences read backwards (goBackwards and
 * bidirectional), with `bool` masks as `tf.layers.masking` makes them and with 1/0 float masks. A separate
 * file (so a separate worker process): on wasm a mishandled `bool` mask corrupts the wasm heap, which would
 * fail unrelated tests after it.
 */
import { it } from 'vitest';
import { describeBackends } from '../helpers/backends.js';
import { reversedMaskCases } from './reference/cases.js';
import { compareWithReference } from './reference/compare.js';

describeBackends(['cpu', 'wasm'], () => {
  for (const testCase of reversedMaskCases()) it(testCase.name, () => compareWithReference(testCase));
});
