/**
 * Data-parallel training hooks: when a batch is split into shards trained on several threads, everything
 * that depends on the whole batch must still see the whole batch, so that a sharded step computes what the
 * one-thread step computes (to float32 rounding).
 *
 * - Batch sums (batch-norm statistics and their backward means) go through `reduceBatchSums`, which adds
 *   each shard's partial sums together across threads. With no shard set it is the identity.
 * - Random masks with a batch axis are drawn for the whole batch from the same seed and cut to the shard's
 *   rows (`batchUniform`), so every example gets the mask it would get on one thread.
 *
 * Nothing here starts threads: the training loop sets the shard of the thread it runs on (`setShard`).
 */
import * as tf from '@tensorflow/tfjs';

/** This thread's rows `[offset, offset + size)` of a batch of `total` examples. */
export interface BatchShard {
  offset: number;
  size: number;
  total: number;
}

/** Adds `values` element-wise across every shard of the step, in place (each thread gets the total). */
export type BatchSumReducer = (values: Float32Array) => void;

let shard: BatchShard | null = null;
let reducer: BatchSumReducer | null = null;

/** Sets (or with null, clears) the shard this thread trains and how its batch sums are reduced. */
export function setShard(current: BatchShard | null, reduce: BatchSumReducer | null = null): void {
  shard = current;
  reducer = current === null ? null : reduce;
}

/** The shard this thread trains, or null when it trains whole batches. */
export function currentShard(): BatchShard | null {
  return shard;
}

/** Sums over the examples of a batch: replaced in place by the sums over the whole batch when sharded. */
export function reduceBatchSums(values: Float32Array): void {
  if (reducer !== null) reducer(values);
}

/**
 * `tf.randomUniform(shape, 0, 1, 'float32', seed)` for this thread's rows along `batchAxis` (null: the shape
 * has no batch axis, every thread draws the same values). Sharded, the whole batch's draws are made and
 * sliced: tfjs's seeded generator fills a tensor in row-major order, so a smaller shape would not give the
 * same numbers to the same examples.
 */
export function batchUniform(shape: number[], batchAxis: number | null, seed: number): tf.Tensor {
  return batchDraw(shape, batchAxis, (whole) => tf.randomUniform(whole, 0, 1, 'float32', seed));
}

/** `tf.randomNormal(shape, 0, std, 'float32', seed)` for this thread's rows, as `batchUniform` draws (the initial-state noise). */
export function batchNormal(shape: number[], batchAxis: number | null, std: number, seed: number): tf.Tensor {
  return batchDraw(shape, batchAxis, (whole) => tf.randomNormal(whole, 0, std, 'float32', seed));
}

function batchDraw(shape: number[], batchAxis: number | null, draw: (shape: number[]) => tf.Tensor): tf.Tensor {
  if (shard === null || batchAxis === null || shard.size === shard.total) return draw(shape);
  // A draw of another batch would silently differ from the one-thread draw: say so instead.
  if (shape[batchAxis] !== shard.size) throw new Error(`a mask of ${shape[batchAxis]} rows drawn in a shard of ${shard.size}`);
  const whole = shape.slice();
  whole[batchAxis] = shard.total;
  const { offset, size } = shard;
  return tf.tidy(() => {
    const begin = whole.map((_, axis) => (axis === batchAxis ? offset : 0));
    const sizes = whole.map((extent, axis) => (axis === batchAxis ? size : extent));
    return tf.slice(draw(whole), begin, sizes);
  });
}
