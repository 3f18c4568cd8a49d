/**
 * The batch-sum reduction across data-parallel workers (`reduceBatchSums` of `src/runtime/shards.ts`): each
 * worker writes its partial sums into its slot of a SharedArrayBuffer, waits at a barrier for the others,
 * and adds the slots together in slot order, so every worker gets bit-identical totals (its replica then
 * normalizes and updates population statistics exactly as the others do).
 *
 * The barrier is sense-reversing on a generation counter (`Atomics.wait` / `notify`). The training thread sets
 * the abort flag when a worker fails, so the others stop waiting for it instead of hanging.
 */
import type { BatchSumReducer } from '../../runtime/shards.js';
import { REDUCTION_ABORTED, REDUCTION_ARRIVED, REDUCTION_GENERATION } from './protocol.js';

export class ReductionAborted extends Error {
  constructor() {
    super('another training worker failed');
    this.name = 'ReductionAborted';
  }
}

/** Waits until `participants` threads have arrived at the barrier. */
export function barrier(control: Int32Array, participants: number): void {
  const generation = Atomics.load(control, REDUCTION_GENERATION);
  if (Atomics.add(control, REDUCTION_ARRIVED, 1) === participants - 1) {
    // The last to arrive resets the count before releasing the others, so the next barrier starts at 0.
    Atomics.store(control, REDUCTION_ARRIVED, 0);
    Atomics.add(control, REDUCTION_GENERATION, 1);
    Atomics.notify(control, REDUCTION_GENERATION);
    return;
  }
  while (Atomics.load(control, REDUCTION_GENERATION) === generation) {
    if (Atomics.load(control, REDUCTION_ABORTED) !== 0) throw new ReductionAborted();
    Atomics.wait(control, REDUCTION_GENERATION, generation);
  }
}

/** Releases every worker waiting at the barrier with `ReductionAborted`. */
export function abortReduction(control: Int32Array): void {
  Atomics.store(control, REDUCTION_ABORTED, 1);
  Atomics.notify(control, REDUCTION_GENERATION);
}

/**
 * The reducer of worker `index` among `participants`, over two sets of slots of `slotLength` floats each
 * (`data` holds `2 × workers × slotLength`). Reductions alternate between the two sets, so one barrier per
 * reduction is enough: a set is written again only two reductions later, after a barrier every worker
 * reaches only once it has read this one. (Between steps the training thread waits for every worker.)
 */
export function sharedSumReducer(control: Int32Array, data: Float32Array, slotLength: number, index: number, participants: number): BatchSumReducer {
  const setLength = data.length / 2;
  let reductions = 0;
  return (values) => {
    if (values.length > slotLength) throw new Error(`batch sums of ${values.length} values exceed the reduction slot (${slotLength})`);
    const base = (reductions % 2) * setLength;
    reductions += 1;
    data.set(values, base + index * slotLength);
    barrier(control, participants);
    // Float32Array storage rounds after each addition, as the one-thread sums do; every worker adds the
    // slots in the same order, so all get the same totals.
    values.set(data.subarray(base, base + values.length));
    for (let slot = 1; slot < participants; slot += 1) {
      const start = base + slot * slotLength;
      for (let i = 0; i < values.length; i += 1) values[i] += data[start + i];
    }
  };
}
