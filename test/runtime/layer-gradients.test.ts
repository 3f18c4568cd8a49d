/**
 * The fused recurrence's hand-written backward pass against tfjs's autodiff of its own lstm layer (same
 * weights, same loss), and the transposition-free matmul and step splitting against plain tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Activation } from '../../src/ir/types.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { matMulPlain, splitSteps } from '../../src/runtime/recurrent/ops.js';
import { maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  recurrentActivation: Activation;
  returnSequences: boolean;
  masked: boolean;
}

/** Gradients of a fixed random projection of the outputs w.r.t. every weight and the input. */
function gradients(layer: tf.layers.Layer, x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor[] {
  const loss = (input: tf.Tensor) => {
    const output = layer.apply(input, { mask, training: true }) as tf.Tensor;
    return tf.sum(tf.mul(output, tf.randomNormal(output.shape, 0, 1, 'float32', 5))) as tf.Scalar;
  };
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => loss(x), variables);
  return [...variables.map((v) => grads[v.name]), tf.grad(loss)(x)];
}

function compareWithTfjs({ recurrentActivation, returnSequences, masked }: Case): number[] {
  const x = sequenceInput(3, 5, 4, 9);
  const mask = masked ? tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]]) : undefined;
  const reference = tf.layers.lstm({
    units: 3,
    returnSequences,
    recurrentActivation: recurrentActivation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid',
    biasInitializer: 'randomNormal',
  });
  reference.apply(x);
  const layer = new SeqnetRecurrent(plainConfig('lstm', 3, { returnSequences, recurrentActivation, forgetBias: { init: 0, constant: 0 } }));
  layer.apply(x);
  layer.setWeights(reference.getWeights());
  const expected = gradients(reference, x, mask);
  const actual = gradients(layer, x, mask);
  return actual.map((gradient, index) => maxDifference(gradient, expected[index]));
}

describe('fused LSTM backward pass equals tfjs autodiff', () => {
  const cases: Case[] = [
    { recurrentActivation: 'sigmoid', returnSequences: true, masked: false },
    { recurrentActivation: 'hard_sigmoid', returnSequences: true, masked: false },
    { recurrentActivation: 'sigmoid', returnSequences: false, masked: true },
    { recurrentActivation: 'hard_sigmoid', returnSequences: false, masked: true },
  ];
  for (const testCase of cases) {
    it(`${testCase.recurrentActivation}, ${testCase.returnSequences ? 'all outputs' : 'last output'}${testCase.masked ? ', masked' : ''}`, () => {
      const differences = compareWithTfjs(testCase);
      expect(differences).toHaveLength(4);
      for (const difference of differences) expect(difference).toBeLessThan(2e-5);
    });
  }
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
