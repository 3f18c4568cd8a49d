/** SeqnetAdam makes its constants into tensors once per update; everything it computes must be tfjs's Adam's, bit for bit. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SeqnetAdam } from '../../src/runtime/training/index.js';

const unique = (): string => Math.random().toString(36).slice(2);

/** Two weights of different shapes, the same starting values for both optimizers under their own names. */
function weightsPair(): [tf.Variable[], tf.Variable[]] {
  const make = (): tf.Variable[] => [
    tf.variable(tf.tensor2d([[0.5, -1.25, 2], [3.5, -0.75, 0.125]]), true, `adam_a_${unique()}`),
    tf.variable(tf.tensor1d([-2, 0.3]), true, `adam_b_${unique()}`),
  ];
  return [make(), make()];
}

/** Gradients for step `step` that change sign and scale from step to step, so the moments do not settle. */
function gradients(step: number): tf.Tensor[] {
  const scale = (step % 3) + 0.37 * step;
  return [
    tf.tensor2d([[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]]).mul(scale * (step % 2 === 0 ? 1 : -1)),
    tf.tensor1d([1e-3, -7.5]).mul(scale),
  ];
}

/** Gradients by variable name: the map form of `applyGradients` (tfjs types it as variables; tensors are what it gets). */
type GradientMap = Parameters<tf.AdamOptimizer['applyGradients']>[0];
const byName = (names: readonly string[], tensors: readonly (tf.Tensor | null)[]): GradientMap =>
  Object.fromEntries(names.map((name, k) => [name, tensors[k]])) as unknown as GradientMap;

const values = (tensors: readonly tf.Tensor[]): number[][] => tensors.map((tensor) => Array.from(tensor.dataSync()));

async function slotValues(optimizer: tf.Optimizer): Promise<{ names: string[]; values: number[][] }> {
  const named = await optimizer.getWeights();
  const result = { names: named.map((entry) => entry.name.replace(/_[a-z0-9]+\//, '/')), values: values(named.map((entry) => entry.tensor)) };
  tf.dispose(named.filter((entry) => entry.name === 'iter').map((entry) => entry.tensor));
  return result;
}

describe('SeqnetAdam', () => {
  it('updates weights and moments exactly as tfjs Adam does, given gradients as a list or as a map, across a learning-rate change', async () => {
    const [ours, theirs] = weightsPair();
    const seqnet = new SeqnetAdam(0.01, 0.9, 0.999, 1e-7);
    const tfjs = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (let step = 0; step < 6; step++) {
      if (step === 3) {
        // What a schedule does between epochs (src/train/optimizer.ts).
        (seqnet as unknown as { learningRate: number }).learningRate = 0.0037;
        (tfjs as unknown as { learningRate: number }).learningRate = 0.0037;
      }
      const grads = gradients(step);
      if (step % 2 === 0) {
        seqnet.applyGradients(ours.map((weight, k) => ({ name: weight.name, tensor: grads[k] })));
        tfjs.applyGradients(theirs.map((weight, k) => ({ name: weight.name, tensor: grads[k] })));
      } else {
        seqnet.applyGradients(byName(ours.map((weight) => weight.name), grads));
        tfjs.applyGradients(byName(theirs.map((weight) => weight.name), grads));
      }
      tf.dispose(grads);
    }
    expect(values(ours)).toEqual(values(theirs));
    expect(values(ours)).not.toEqual([[0.5, -1.25, 2, 3.5, -0.75, 0.125], [-2, Math.fround(0.3)]]);
    expect(await slotValues(seqnet)).toEqual(await slotValues(tfjs));
    expect(seqnet.iterations).toBe(6);
    expect(seqnet.getClassName()).toBe('Adam');
  });

  it('leaves a weight without a gradient as it is, still making its moment slots as tfjs does', async () => {
    const [ours, theirs] = weightsPair();
    const seqnet = new SeqnetAdam(0.05, 0.8, 0.99, 1e-6);
    const tfjs = tf.train.adam(0.05, 0.8, 0.99, 1e-6);
    const grads = gradients(1);
    seqnet.applyGradients(byName(ours.map((weight) => weight.name), [grads[0], null]));
    tfjs.applyGradients(byName(theirs.map((weight) => weight.name), [grads[0], null]));
    tf.dispose(grads);
    expect(values(ours)).toEqual(values(theirs));
    expect(Array.from(ours[1].dataSync())).toEqual([-2, Math.fround(0.3)]);
    expect(await slotValues(seqnet)).toEqual(await slotValues(tfjs));
  });
});
