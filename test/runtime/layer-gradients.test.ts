/**
 * The fused recurrence's hand-written backward pass against tfjs's autodiff of its own lstm layer (same
 * weights, same loss), and the transposition-free matmul and step splitting against plain tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { matMulPlain, splitSteps } from '../../src/runtime/recurrent/ops.js';
import { compareWithTfjs, GRADIENT_CASES, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('fused backward passes equal tfjs autodiff of its own layers', () => {
  for (const testCase of GRADIENT_CASES) {
    it(`${testCase.cell}, ${testCase.recurrentActivation}, ${testCase.returnSequences ? 'all outputs' : 'last output'}${testCase.masked ? ', masked' : ''}`, () => {
      const differences = compareWithTfjs(testCase);
      expect(differences).toHaveLength(4);
      for (const difference of differences) expect(difference).toBeLessThan(2e-5);
    });
  }
});

/**
 * A reset-after GRU written directly in tfjs ops (tfjs has no such layer): `h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h))`.
 * Returns the last state.
 */
function resetAfterGru(x: tf.Tensor, kernel: tf.Tensor, recurrent: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [batch, steps] = x.shape;
  let h: tf.Tensor = tf.zeros([batch, 3]);
  for (let t = 0; t < steps; t += 1) {
    const xt = tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]);
    const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, kernel), bias), 3, 1);
    const [hz, hr, hh] = tf.split(tf.matMul(h, recurrent), 3, 1);
    const z = tf.sigmoid(tf.add(xz, hz));
    const r = tf.sigmoid(tf.add(xr, hr));
    const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
    h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
  }
  return h;
}

describe('fused reset-after GRU', () => {
  it('has the value and gradients of the same GRU written in tfjs ops', () => {
    const x = sequenceInput(2, 4, 3, 4);
    const layer = new SeqnetRecurrent(plainConfig('gru', 3, { resetAfter: true, returnSequences: false }));
    layer.apply(x);
    layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 20 + i)));
    const [kernel, recurrent, bias] = layer.getWeights();
    const projection = tf.randomNormal([2, 3], 0, 1, 'float32', 8);
    const expectedLoss = (k: tf.Tensor, u: tf.Tensor, b: tf.Tensor, input: tf.Tensor) => tf.sum(tf.mul(resetAfterGru(input, k, u, b), projection));
    const expected = tf.grads(expectedLoss)([kernel, recurrent, bias, x]);
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const actualLoss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, projection)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(() => actualLoss(x), variables);
    expect(maxDifference(value, expectedLoss(kernel, recurrent, bias, x))).toBeLessThan(1e-5);
    const actual = [...variables.map((v) => grads[v.name]), tf.grad(actualLoss)(x)];
    actual.forEach((gradient, i) => expect(maxDifference(gradient, expected[i])).toBeLessThan(2e-5));
  });
});

describe('wasm-friendly ops', () => {
  it('matMulPlain has the value and gradients of matMul', () => {
    const a = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const b = tf.randomNormal([4, 5], 0, 1, 'float32', 2);
    const weights = tf.randomNormal([3, 5], 0, 1, 'float32', 3);
    const loss = (product: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(product(x, y), weights));
    const expected = tf.grads(loss(tf.matMul))([a, b]);
    const plain = tf.grads(loss((x, y) => matMulPlain(x, y)))([a, b]);
    const pretransposed = tf.grads(loss((x, y) => matMulPlain(x, y, tf.transpose(y))))([a, b]);
    expect(maxDifference(matMulPlain(a, b), tf.matMul(a, b))).toBe(0);
    expected.forEach((gradient, i) => {
      expect(maxDifference(plain[i], gradient)).toBeLessThan(1e-5);
      expect(maxDifference(pretransposed[i], gradient)).toBeLessThan(1e-5);
    });
  });

  it('splitSteps cuts time-major rows into the same pieces as tf.split, in order', () => {
    for (const steps of [1, 2, 5, 7, 10]) {
      const rows = tf.randomNormal([steps * 2, 3], 0, 1, 'float32', steps);
      const pieces = splitSteps(rows, steps);
      const expected = tf.split(rows, steps, 0);
      expect(pieces).toHaveLength(steps);
      pieces.forEach((piece, i) => expect(maxDifference(piece, expected[i])).toBe(0));
    }
  });
});
