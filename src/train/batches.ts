/** Tensors for a batch of samples picked by index from a flat sample set. */
import * as tf from '@tensorflow/tfjs';
import { targetSize, type SampleSet } from '../data/types.js';
import { NO_UNITS, type WorkUnits } from '../backend/unit-policy.js';

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

/**
 * `whole` cut into consecutive batches of `size` (the last smaller), as `model.evaluate` cuts it, as a dataset
 * for `model.evaluateDataset`, each batch one of `units`: the dataset's next batch is pulled only once the one
 * before is computed, so a unit spans one batch's computation. `evaluateDataset` sums size × batch value per
 * batch and divides by the count, the same float32 operations in the same order as `model.evaluate`: the same
 * bits (test/train/batches.test.ts).
 */
export function batchDataset(whole: Batch, size: number, units: WorkUnits): tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }> {
  return tf.data.generator(function* () {
    for (let start = 0; start < whole.size; start += size) {
      const rows = Math.min(size, whole.size - start);
      units.begin();
      yield { xs: whole.x.slice(start, rows), ys: whole.y.slice(start, rows) };
      units.end();
    }
  });
}

/**
 * `model.predict(x, { batchSize: size })` batch by batch, each batch one of `units`: the same batches and
 * the same outputs, concatenated in order.
 */
export function predictInBatches(model: tf.LayersModel, x: tf.Tensor, size: number, units: WorkUnits = NO_UNITS): tf.Tensor {
  return tf.tidy(() => {
    const count = x.shape[0];
    const outputs: tf.Tensor[] = [];
    for (let start = 0; start < count; start += size) {
      const rows = Math.min(size, count - start);
      units.begin();
      outputs.push(model.predict(x.slice(start, rows), { batchSize: size }) as tf.Tensor);
      units.end();
    }
    return outputs.length === 1 ? outputs[0] : tf.concat(outputs, 0);
  });
}
