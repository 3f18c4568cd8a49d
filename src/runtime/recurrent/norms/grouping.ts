/** Statistics over groups of gate blocks (`all`, `per_gate`, `gates_and_candidate`) for layer and RMS norm. */
import * as tf from '@tensorflow/tfjs';
import type { NormGroups } from '../../../ir/types.js';

/** Group id of each of `count` gate blocks starting at block `first`; the candidate block is `candidate`. */
export function groupIdsFor(groups: NormGroups, first: number, count: number, candidate: number): number[] {
  const ids: number[] = [];
  for (let gate = first; gate < first + count; gate += 1) {
    if (groups === 'per_gate') ids.push(gate);
    else if (groups === 'gates_and_candidate') ids.push(gate === candidate ? 1 : 0);
    else ids.push(0);
  }
  return ids;
}

/** `[N, G, u]` view of a `[..., G·u]` value. */
export function gateBlocks(value: tf.Tensor, gates: number, units: number): tf.Tensor3D {
  return tf.reshape(value, [-1, gates, units]);
}

/**
 * The mean of `blocks` `[N, G, u]` over each block's group, broadcastable back onto `blocks`. Groups are of
 * equal-width blocks, so a group's mean is the average of its blocks' means.
 */
export function groupMean(blocks: tf.Tensor3D, groupIds: readonly number[]): tf.Tensor {
  const distinct = new Set(groupIds).size;
  if (distinct === 1) return tf.mean(blocks, [1, 2], true);
  const blockMeans = tf.mean(blocks, 2);
  if (distinct === groupIds.length) return tf.expandDims(blockMeans, 2);
  // Average the block means within each group: [N, G] × [G, G].
  const averaging = groupIds.map((a) => {
    const size = groupIds.filter((b) => b === a).length;
    return groupIds.map((b) => (a === b ? 1 / size : 0));
  });
  return tf.expandDims(tf.matMul(blockMeans, tf.tensor2d(averaging)), 2);
}

/** γ ⊙ value (+ β), γ and β of the value's last-axis width. */
export function scaleAndShift(value: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor | null): tf.Tensor {
  const scaled = tf.mul(value, gamma);
  return beta === null ? scaled : tf.add(scaled, beta);
}
