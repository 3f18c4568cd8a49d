/** Dropout and zoneout: active only in training, fresh masks every call, reproducible from the seed stream. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecurrentDropoutIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { maxDifference, NO_DROPOUT, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const FORMS: Record<string, RecurrentDropoutIR> = {
  'input per sequence': { ...NO_DROPOUT, input: { rate: 0.5, mask: 'sequence' } },
  'input per step': { ...NO_DROPOUT, input: { rate: 0.5, mask: 'step' } },
  recurrent: { ...NO_DROPOUT, recurrent: { rate: 0.5 } },
  'candidate per sequence': { ...NO_DROPOUT, candidate: { rate: 0.5, mask: 'sequence' } },
  'candidate per step': { ...NO_DROPOUT, candidate: { rate: 0.5, mask: 'step' } },
  'zoneout on h': { ...NO_DROPOUT, zoneout: { cell: 0, hidden: 0.5 } },
  'weight drop on U': { ...NO_DROPOUT, recurrentWeights: { rate: 0.5 } },
};

/** A layer with the given dropout and the weights of a plain twin, plus the twin. */
function pair(cell: 'lstm' | 'gru' | 'rnn', dropout: RecurrentDropoutIR) {
  const x = sequenceInput(4, 5, 3);
  const plain = new SeqnetRecurrent(plainConfig(cell, 4));
  const dropped = new SeqnetRecurrent(plainConfig(cell, 4, { dropout }));
  plain.apply(x);
  dropped.apply(x);
  dropped.setWeights(plain.getWeights());
  return { x, plain, dropped };
}

describe('dropout forms', () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    for (const [form, dropout] of Object.entries(FORMS)) {
      it(`${cell}, ${form}: identity (or expectation) at inference, random and fresh in training`, () => {
        const { x, plain, dropped } = pair(cell, dropout);
        const reference = plain.apply(x) as tf.Tensor;
        const inference = dropped.apply(x, { training: false }) as tf.Tensor;
        if (dropout.zoneout === null) expect(maxDifference(inference, reference)).toBeLessThan(1e-6);
        else expect(maxDifference(inference, reference)).toBeGreaterThan(1e-4);
        const first = dropped.apply(x, { training: true }) as tf.Tensor;
        const second = dropped.apply(x, { training: true }) as tf.Tensor;
        expect(maxDifference(first, reference)).toBeGreaterThan(1e-3);
        expect(maxDifference(first, second)).toBeGreaterThan(1e-3);
      });
    }
  }

  it('zoneout at inference mixes z·previous + (1 − z)·new (one RNN step from the zero state)', () => {
    const { x, plain, dropped } = pair('rnn', { ...NO_DROPOUT, zoneout: { cell: 0, hidden: 0.25 } });
    const one = x.slice([0, 0, 0], [4, 1, 3]);
    // From h0 = 0 the first step is 0.75·h_new.
    expect(maxDifference(dropped.apply(one) as tf.Tensor, tf.mul(plain.apply(one) as tf.Tensor, 0.75))).toBeLessThan(1e-6);
  });

  it('LSTM zoneout on c changes the output only through the carried cell', () => {
    const { x, plain, dropped } = pair('lstm', { ...NO_DROPOUT, zoneout: { cell: 0.5, hidden: 0 } });
    const first = x.slice([0, 0, 0], [4, 1, 3]);
    expect(maxDifference(dropped.apply(first) as tf.Tensor, plain.apply(first) as tf.Tensor)).toBeLessThan(1e-6);
    expect(maxDifference(dropped.apply(x) as tf.Tensor, plain.apply(x) as tf.Tensor)).toBeGreaterThan(1e-4);
  });

  it('the same seed stream gives the same masks', () => {
    const { x, dropped } = pair('gru', { ...FORMS.recurrent, candidate: { rate: 0.3, mask: 'step' } });
    seedRandom(42);
    const first = dropped.apply(x, { training: true }) as tf.Tensor;
    seedRandom(42);
    const again = dropped.apply(x, { training: true }) as tf.Tensor;
    expect(maxDifference(first, again)).toBe(0);
  });

  it('input dropout per sequence drops the same features at every step', () => {
    const { dropped } = pair('rnn', { ...NO_DROPOUT, input: { rate: 0.5, mask: 'sequence' } });
    // With a zero recurrent kernel and no bias each output step sees only its own (masked) input.
    const weights = dropped.getWeights();
    dropped.setWeights([tf.eye(3, 4), tf.zeros([4, 4]), tf.zeros([4])]);
    const ones = tf.ones([4, 5, 3]);
    const out = dropped.apply(ones, { training: true }) as tf.Tensor;
    const firstStep = out.slice([0, 0, 0], [4, 1, 4]);
    expect(maxDifference(out, tf.tile(firstStep, [1, 5, 1]))).toBe(0);
    dropped.setWeights(weights);
  });
});
