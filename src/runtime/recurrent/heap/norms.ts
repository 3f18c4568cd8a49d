/**
 * Norm spans for the compiled kernels: each kind's form at inference (`InferenceForm`, from its descriptor
 * in `../norms/`) written as the `Norm` struct of `assembly/norm.ts`, with its parameters on the heap.
 */
import type { NormKind } from '../../../ir/types.js';
import type { InferenceForm } from '../norms/inference.js';
import { normDescriptor } from '../norms/registry.js';
import type { NormWeights } from '../norms/types.js';
import type { HeapKernels } from './heap.js';
import { NORM_FIELDS, writeStruct } from './structs.js';

/** Whether the kernels can run this kind at inference. */
export function hasInferenceForm(kind: NormKind): boolean {
  return normDescriptor(kind).inferenceForm !== undefined;
}

/** `Norm.form` in `assembly/norm.ts`. */
const FORM_CODES: Record<InferenceForm['form'], number> = { statistics: 1, 'affine rows': 2 };

/**
 * The `Norm` struct of a span of gate blocks (`groupIds`, one per block, from `../norms/grouping.ts`) that
 * starts at column `firstColumn` of its site; fields in the order of `NORM_FIELDS`.
 */
export function writeNorm(kernels: HeapKernels, weights: NormWeights, groupIds: readonly number[], units: number, firstColumn: number): number {
  const descriptor = normDescriptor(weights.norm.kind);
  if (descriptor.inferenceForm === undefined) throw new Error(`SeqnetRecurrent: no inference form of ${weights.norm.kind} norm`);
  const width = groupIds.length * units;
  return writeForm(kernels, descriptor.inferenceForm(weights, firstColumn, width), groupIds);
}

/** The struct of one form (exported for the probe, which writes a norm without a layer). */
export function writeForm(kernels: HeapKernels, form: InferenceForm, groupIds: readonly number[]): number {
  const floats = (values: Float32Array | null) => (values === null ? 0 : kernels.address(kernels.constant(values, [values.length])));
  // Group ids as consecutive indices 0…groups−1 (a span of `per_gate` blocks may start at id 2).
  const distinct = [...new Set(groupIds)];
  const groupOf = kernels.struct(groupIds.map((id) => ({ i32: distinct.indexOf(id) })));
  const statistics = form.form === 'statistics';
  return writeStruct(kernels, NORM_FIELDS, {
    form: FORM_CODES[form.form],
    center: statistics && form.center ? 1 : 0,
    blocks: groupIds.length,
    groups: distinct.length,
    groupOf,
    scale: floats(statistics ? form.gamma : form.scale),
    shift: floats(statistics ? form.beta : form.shift),
    epsilon: statistics ? form.epsilon : 0,
    rows: statistics ? 0 : form.rows,
  });
}
