/** Tensors for a batch of samples picked by index from a flat sample set. */
import * as tf from '@tensorflow/tfjs';
import { targetSize, type SampleSet } from '../data/types.js';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  size: number;
}

/** The samples `indices` as plain arrays: inputs `[n, steps, features]` and targets `[n, ...targetShape]`. */
export function gatherArrays(set: SampleSet, indices: readonly number[]): { x: Float32Array; xShape: number[]; y: Float32Array; yShape: number[] } {
  const xSize = set.steps * set.features;
  const ySize = targetSize(set);
  const x = new Float32Array(indices.length * xSize);
  const y = new Float32Array(indices.length * ySize);
  indices.forEach((sample, row) => {
    x.set(set.x.subarray(sample * xSize, (sample + 1) * xSize), row * xSize);
    y.set(set.y.subarray(sample * ySize, (sample + 1) * ySize), row * ySize);
  });
  return { x, xShape: [indices.length, set.steps, set.features], y, yShape: [indices.length, ...set.targetShape] };
}

/** Inputs `[n, steps, features]` and targets `[n, ...targetShape]` of the samples `indices`, as tensors. */
export function gatherBatch(set: SampleSet, indices: readonly number[]): Batch {
  const { x, xShape, y, yShape } = gatherArrays(set, indices);
  return { x: tf.tensor(x, xShape), y: tf.tensor(y, yShape), size: indices.length };
}

/** The whole set as one batch, in order: its arrays as they are, without gathering them sample by sample. */
export function wholeSet(set: SampleSet): Batch {
  const x = set.x.subarray(0, set.count * set.steps * set.features);
  const y = set.y.subarray(0, set.count * targetSize(set));
  return {
    x: tf.tensor3d(x, [set.count, set.steps, set.features]),
    y: tf.tensor(y, [set.count, ...set.targetShape]),
    size: set.count,
  };
}

/**
 * Samples per batch when evaluating or predicting a whole set (validation every epoch, the test split,
 * `seqnet evaluate`): never fewer than the training batch, and at least this many. Inference keeps no activations
 * for backpropagation, and every batch costs the same fixed work in tfjs (a graph walk, dozens of kernel calls),
 * which at sine.seqnet's batch of 8 took half to three quarters of its validation time; 64 to 256 were about
 * equally fast there, and 128 no slower than smaller batches for the other examples (docs/training.md, "Where the
 * training loop's time goes").
 */
export const MIN_EVALUATION_BATCH = 128;

/** The batch size for evaluating or predicting a whole set of a model trained in batches of `trainBatchSize`. */
export function evaluationBatchSize(trainBatchSize: number): number {
  return Math.max(trainBatchSize, MIN_EVALUATION_BATCH);
}

/** The index lists of consecutive batches over `order`. */
export function batchesOf(order: readonly number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}
