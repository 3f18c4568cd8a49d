/**
 * Norm spans for the compiled kernels: each kind's form at inference (`InferenceForm`, from its descriptor
 * in `../norms/`) written as the `Norm` struct of `assembly/norm.ts`, with its parameters on the heap.
 */
import type { NormKind } from '../../../ir/types.js';
import type { InferenceForm } from '../norms/inference.js';
import { normDescriptor } from '../norms/registry.js';
import type { NormWeights } from '../norms/types.js';
import type { HeapKernels, StructField } from './heap.js';

/** Whether the kernels can run this kind at inference. */
export function hasInferenceForm(kind: NormKind): boolean {
  return normDescriptor(kind).inferenceForm !== undefined;
}

/** `Norm.form` in `assembly/norm.ts`. */
const FORM_CODES: Record<InferenceForm['form'], number> = { statistics: 1, 'affine rows': 2 };

/**
 * The `Norm` struct of a span of gate blocks (`groupIds`, one per block, from `../norms/grouping.ts`) that
 * starts at column `firstColumn` of its site; fields in the order `assembly/norm.ts` declares them.
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
  const fields: StructField[] = [
    { i32: FORM_CODES[form.form] },
    { i32: statistics && form.center ? 1 : 0 },
    { i32: groupIds.length },
    { i32: distinct.length },
    { i32: groupOf },
    { i32: floats(statistics ? form.gamma : form.scale) },
    { i32: floats(statistics ? form.beta : form.shift) },
    { f32: statistics ? form.epsilon : 0 },
    { i32: statistics ? 0 : form.rows },
  ];
  return kernels.struct(fields);
}
