/**
 * A second thread for the heap's products: where one is registered (only by Node code,
 * `src/backend/matmul-helper.ts`: this module stays loadable in browsers), `HeapKernels.matMul` hands the
 * last rows of a large enough product `a·b` to it and computes the first rows itself meanwhile.
 *
 * Why rows: each row of `a·b` is `a`'s row times `b`, computed by the same XNNPACK kernel over the same K in
 * the same order whichever thread computes it, so the split product equals the one-thread product bit for
 * bit. Why a thread of its own with its own wasm backend: tfjs-wasm's threaded build does not start in Node,
 * and its one-thread module's memory cannot be shared, so the helper keeps copies of `b` (sent once per
 * operand) and the rows of `a` and of the result travel through a shared buffer.
 */

/** One product's share for the helper: `a`'s rows from `first` on, times `b`. */
export interface HelperRows {
  /** Identifies `b` among the operands sent to the helper (see `RowHelper.send`). */
  key: number;
  /** The rows of `a` the helper multiplies, `[rows, k]` row-major (copied before `start` returns). */
  a: Float32Array;
  rows: number;
  k: number;
  n: number;
}

/** A thread that computes the last rows of heap products; `start` and `finish` alternate. */
export interface RowHelper {
  /** Whether a product of `m` rows (two or more) by `k`, `n` is split now (false: it runs on one thread). */
  split(m: number, k: number, n: number): boolean;
  /** Sends `b` `[k, n]` (its values copied before this returns) under a new key; see `release`. */
  send(b: Float32Array, k: number, n: number): number;
  /** Starts the helper on its rows; returns at once. */
  start(rows: HelperRows): void;
  /** Waits for the rows `start` began and writes them (`[rows, n]`) into `out`; throws what the helper threw. */
  finish(out: () => Float32Array): void;
  /** The helper may forget these operands. */
  release(keys: readonly number[]): void;
}

let registered: RowHelper | null = null;

/** Registers the helper the heap's products use from now on (null: one thread again). */
export function setRowHelper(helper: RowHelper | null): void {
  registered = helper;
}

export function rowHelper(): RowHelper | null {
  return registered;
}
