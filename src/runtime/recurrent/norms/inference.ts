/** What a norm kind gives the wasm inference loop (`heap/`): its form at inference, read from its weights. */
import type * as tf from '@tensorflow/tfjs';

/**
 * A norm at inference over one span of columns, in one of the two forms the wasm inference loop's kernels
 * run (`heap/assembly/norm.ts`): statistics of each example's row (layer and RMS norm), or an affine map
 * per step (batch norm with population statistics; `rows` steps, later steps use the last).
 */
export type InferenceForm =
  | { form: 'statistics'; center: boolean; gamma: Float32Array; beta: Float32Array | null; epsilon: number }
  | { form: 'affine rows'; rows: number; scale: Float32Array; shift: Float32Array };

/** Columns `[firstColumn, firstColumn + width)` of a weight's current value (its last axis). */
export function weightColumns(variable: tf.LayerVariable, firstColumn: number, width: number): Float32Array {
  const values = variable.read().dataSync() as Float32Array;
  const fullWidth = variable.shape[variable.shape.length - 1] as number;
  const rows = values.length / fullWidth;
  const columns = new Float32Array(rows * width);
  for (let row = 0; row < rows; row += 1) columns.set(values.subarray(row * fullWidth + firstColumn, row * fullWidth + firstColumn + width), row * width);
  return columns;
}
