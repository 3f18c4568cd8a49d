/**
 * The field orders of the structs the compiled kernels read, each defined once: `Cell` (`assembly/cells.ts`),
 * `Norm` (`assembly/norm.ts`), `Train` (`assembly/train.ts`), `Site` (`assembly/train-norm.ts`),
 * `BatchSite` (`assembly/train-batch-norm.ts`), `LstmNorms` (`assembly/train-lstm-norms.ts`), `GruNorms`
 * (`assembly/train-gru-norms.ts`) and `RnnNorms` (`assembly/train-rnn-norms.ts`). `writeStruct` writes a
 * struct from its values by name in this order, and
 * test/runtime/heap-structs.test.ts checks each order against its AssemblyScript class.
 */
import type { HeapKernels, StructField } from './heap.js';

/** A field's type in the AssemblyScript class: `i32`, an address (`usize`, 32 bits on wasm32) or `f32`. */
export type FieldType = 'i32' | 'usize' | 'f32';
export type FieldOrder = readonly (readonly [name: string, type: FieldType])[];

export const CELL_FIELDS = [
  ['batch', 'i32'],
  ['units', 'i32'],
  ['activation', 'i32'],
  ['gateActivation', 'i32'],
  ['resetAfter', 'i32'],
  ['carryNormalized', 'i32'],
  ['bias', 'usize'],
  ['recurrentNorm', 'usize'],
  ['candidateRecurrentNorm', 'usize'],
  ['gatesNorm', 'usize'],
  ['candidateGatesNorm', 'usize'],
  ['cellNorm', 'usize'],
  ['hiddenNorm', 'usize'],
  ['zoneoutHidden', 'f32'],
  ['zoneoutCell', 'f32'],
  ['outputStride', 'i32'],
  ['scratch', 'usize'],
] as const satisfies FieldOrder;

export const NORM_FIELDS = [
  ['form', 'i32'],
  ['center', 'i32'],
  ['blocks', 'i32'],
  ['groups', 'i32'],
  ['groupOf', 'usize'],
  ['scale', 'usize'],
  ['shift', 'usize'],
  ['epsilon', 'f32'],
  ['rows', 'i32'],
] as const satisfies FieldOrder;

export const TRAIN_FIELDS = [
  ['batch', 'i32'],
  ['units', 'i32'],
  ['gateActivation', 'i32'],
  ['forgetConstant', 'f32'],
  ['mask', 'usize'],
  ['recurrentMask', 'usize'],
  ['candidate', 'usize'],
  ['candidateStride', 'i32'],
  ['zoneoutCell', 'usize'],
  ['zoneoutCellStride', 'i32'],
  ['zoneoutHidden', 'usize'],
  ['zoneoutHiddenStride', 'i32'],
] as const satisfies FieldOrder;

export const SITE_FIELDS = [
  ['norm', 'usize'],
  ['normalized', 'usize'],
  ['inverse', 'usize'],
  ['dGamma', 'usize'],
  ['dBeta', 'usize'],
] as const satisfies FieldOrder;

export const LSTM_NORMS_FIELDS = [
  ['recurrent', 'usize'],
  ['gates', 'usize'],
  ['cell', 'usize'],
  ['hidden', 'usize'],
  ['bias', 'usize'],
  ['dBias', 'usize'],
  ['carry', 'i32'],
  ['cellNormalized', 'i32'],
  ['scratch', 'usize'],
] as const satisfies FieldOrder;

export const BATCH_SITE_FIELDS = [
  ['width', 'i32'],
  ['gamma', 'usize'],
  ['beta', 'usize'],
  ['epsilon', 'f32'],
  ['normalized', 'usize'],
  ['inverse', 'usize'],
  ['mean', 'usize'],
  ['variance', 'usize'],
  ['count', 'usize'],
  ['sums', 'usize'],
  ['dGamma', 'usize'],
  ['dBeta', 'usize'],
] as const satisfies FieldOrder;

export const GRU_NORMS_FIELDS = [
  ['recurrent', 'usize'],
  ['recurrentCandidate', 'usize'],
  ['gates', 'usize'],
  ['gatesCandidate', 'usize'],
  ['hidden', 'usize'],
  ['bias', 'usize'],
  ['dBias', 'usize'],
  ['scratch', 'usize'],
] as const satisfies FieldOrder;

export const RNN_NORMS_FIELDS = [
  ['recurrent', 'usize'],
  ['gates', 'usize'],
  ['hidden', 'usize'],
  ['bias', 'usize'],
  ['dBias', 'usize'],
  ['scratch', 'usize'],
] as const satisfies FieldOrder;

/** A value for every field of a struct, by name (an address or a flag as its i32). */
export type StructValues<F extends FieldOrder> = Record<F[number][0], number>;

/** Writes a struct of `fields` (their declaration order) from its values; returns its address. */
export function writeStruct<F extends FieldOrder>(kernels: HeapKernels, fields: F, values: StructValues<F>): number {
  const name = (field: F[number]): F[number][0] => field[0];
  return kernels.struct(fields.map((field): StructField => (field[1] === 'f32' ? { f32: values[name(field)] } : { i32: values[name(field)] })));
}
