/**
 * What the main thread and the matmul helper thread (`matmul-helper.ts`, `matmul-worker.ts`) exchange. A
 * job is signalled through an `Int32Array` on a SharedArrayBuffer (`CONTROL`): the main thread writes its
 * fields, bumps `REQUEST` and notifies; the helper drains its message port (operands, releases, a larger data
 * buffer: `HelperMessage`), computes, writes `STATUS`, sets `DONE` to the request's number and notifies. The
 * rows of `a` and of the result travel through a second SharedArrayBuffer (`a` from element 0, the result
 * right after it). Everything blocks with `Atomics.wait`: the helper's thread does nothing else, and the main
 * thread's part of a product is shorter than a message round trip through the event loop.
 */
export const CONTROL = {
  REQUEST: 0,
  DONE: 1,
  /** 0: done; 1: failed (the helper posted an `error` message first). */
  STATUS: 2,
  KEY: 3,
  ROWS: 4,
  K: 5,
  N: 6,
  /** Set to 1 to make the helper's loop return. */
  STOP: 7,
  LENGTH: 8,
} as const;

/** Main thread → helper, over the message port the helper drains before each job. */
export type HelperMessage =
  | { type: 'operand'; key: number; k: number; n: number; values: Float32Array }
  | { type: 'release'; keys: number[] }
  | { type: 'data'; buffer: SharedArrayBuffer };

/** Helper → main thread: `ready` once its backend runs (on the worker's parent port), `error` on the message port. */
export type HelperReply = { type: 'ready' } | { type: 'error'; message: string };

export interface HelperSetup {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}
