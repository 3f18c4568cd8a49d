import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { SampleSet } from '../../src/data/index.js';
import { batchesOf, evaluationBatchSize, gatherBatch, MIN_EVALUATION_BATCH, wholeSet } from '../../src/train/batches.js';

/**
 * Three samples of 2 steps × 2 features with 3-unit targets; every value distinct, so a misplaced one shows. The
 * arrays are views into larger buffers, with values before and after them, as a split of a larger set can be.
 */
function smallSet(): SampleSet {
  const xBuffer = Float32Array.from({ length: 2 + 3 * 2 * 2 + 2 }, (_, i) => i - 1);
  const yBuffer = Float32Array.from({ length: 1 + 3 * 3 + 3 }, (_, i) => -i);
  return { count: 3, steps: 2, features: 2, targetShape: [3], x: xBuffer.subarray(2, 14), y: yBuffer.subarray(1, 10), naive: null };
}

describe('batches', () => {
  it('gathers the samples of a batch in the order given', async () => {
    const set = smallSet();
    const batch = gatherBatch(set, [2, 0]);
    expect(batch.x.shape).toEqual([2, 2, 2]);
    expect(Array.from(await batch.x.data())).toEqual([9, 10, 11, 12, 1, 2, 3, 4]);
    expect(Array.from(await batch.y.data())).toEqual([-7, -8, -9, -1, -2, -3]);
    tf.dispose([batch.x, batch.y]);
  });

  it('takes a whole set as it is, equal to gathering every sample in order', async () => {
    const set = smallSet();
    const whole = wholeSet(set);
    const gathered = gatherBatch(set, [0, 1, 2]);
    expect(whole.x.shape).toEqual(gathered.x.shape);
    expect(whole.y.shape).toEqual(gathered.y.shape);
    expect(Array.from(await whole.x.data())).toEqual(Array.from(await gathered.x.data()));
    expect(Array.from(await whole.y.data())).toEqual(Array.from(await gathered.y.data()));
    tf.dispose([whole.x, whole.y, gathered.x, gathered.y]);
  });

  it('splits an order into consecutive batches, the last one shorter', () => {
    expect(batchesOf([4, 3, 2, 1, 0], 2)).toEqual([[4, 3], [2, 1], [0]]);
  });

  it('evaluates in batches no smaller than training ones nor than the evaluation minimum', () => {
    expect(evaluationBatchSize(8)).toBe(MIN_EVALUATION_BATCH);
    expect(evaluationBatchSize(MIN_EVALUATION_BATCH * 2)).toBe(MIN_EVALUATION_BATCH * 2);
  });
});
