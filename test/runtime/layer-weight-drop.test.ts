/**
 * Weight drop (DropConnect on U) seen through the layer: an RNN with linear activation, `W = I` and no bias
 * turns a one-hot input at step s into `h_{s+1} = e_i·U'`, so a batch of such probes reads back row i of the
 * kernel `U'` that step s + 1 used. With that: one mask for all steps of a call, a new one on the next call,
 * `U` itself at inference, kept entries scaled by 1/(1 − rate), and the mean of `U'` over many seeded calls is `U`.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedRandom } from '../../src/runtime/random.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import { NO_DROPOUT, plainConfig } from './layer-fixtures.js';

const UNITS = 4;
const STEPS = 4;
/** Probes start at steps 0 … STEPS − 2, each read back one step later. */
const PROBE_STEPS = STEPS - 1;
const RATE = 0.5;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The layer, with `W = I`, no bias and a fixed random `U`. */
function probeLayer(): { layer: SeqnetRecurrent; kernel: number[][] } {
  const config = plainConfig('rnn', UNITS, { activation: 'linear', useBias: false, dropout: { ...NO_DROPOUT, recurrentWeights: { rate: RATE } } });
  const layer = new SeqnetRecurrent(config);
  layer.apply(tf.zeros([1, STEPS, UNITS]));
  const kernel = tf.randomUniform([UNITS, UNITS], 0.5, 1.5, 'float32', 3);
  layer.setWeights([tf.eye(UNITS), kernel]);
  return { layer, kernel: kernel.arraySync() as number[][] };
}

/** Example `s·UNITS + i` holds e_i at step s and zeros elsewhere. */
const PROBES = tf.tidy(() =>
  tf.stack(Array.from({ length: PROBE_STEPS * UNITS }, (_, example) => tf.oneHot(Math.floor(example / UNITS), STEPS).reshape([STEPS, 1]).mul(tf.oneHot(example % UNITS, UNITS).reshape([1, UNITS])))),
);

/** The kernel each step 1 … PROBE_STEPS used in one call: `[step][row][column]`. */
function kernelsUsed(layer: SeqnetRecurrent, training: boolean): number[][][] {
  const outputs = (layer.apply(PROBES, { training }) as tf.Tensor).arraySync() as number[][][];
  return Array.from({ length: PROBE_STEPS }, (_, s) => Array.from({ length: UNITS }, (__, i) => outputs[s * UNITS + i][s + 1]));
}

const flat = (matrix: number[][]) => matrix.flat();

describe('weight drop on U', () => {
  it('rejects a rate outside [0, 1) and keeps the rate in the serialized config', () => {
    const config = (rate: number) => plainConfig('gru', UNITS, { dropout: { ...NO_DROPOUT, recurrentWeights: { rate } } });
    expect(() => new SeqnetRecurrent(config(1))).toThrow(/dropout rate must be in \[0, 1\), got 1/);
    expect(() => new SeqnetRecurrent(config(-0.1))).toThrow(/dropout rate must be in \[0, 1\)/);
    expect(new SeqnetRecurrent(config(0.3)).getConfig().dropout).toMatchObject({ recurrentWeights: { rate: 0.3 } });
  });

  it('uses U unchanged at inference', () => {
    const { layer, kernel } = probeLayer();
    for (const used of kernelsUsed(layer, false)) flat(used).forEach((value, k) => expect(value).toBeCloseTo(flat(kernel)[k], 5));
  });

  it('uses one mask at every step of a call, scaled by 1/(1 − rate), and a new one on the next call', () => {
    const { layer, kernel } = probeLayer();
    seedRandom(11);
    const [first, ...rest] = kernelsUsed(layer, true);
    for (const used of rest) flat(used).forEach((value, k) => expect(value).toBeCloseTo(flat(first)[k], 5));
    flat(first).forEach((value, k) => expect([0, flat(kernel)[k] / (1 - RATE)].some((allowed) => Math.abs(value - allowed) < 1e-5)).toBe(true));
    const dropped = flat(first).filter((value) => value === 0).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(UNITS * UNITS);
    const next = kernelsUsed(layer, true)[0];
    expect(flat(next).some((value, k) => Math.abs(value - flat(first)[k]) > 1e-3)).toBe(true);
  });

  it('equals U in expectation over masks (seeded calls)', () => {
    const { layer, kernel } = probeLayer();
    const calls = 400;
    seedRandom(5);
    const sum = new Array<number>(UNITS * UNITS).fill(0);
    for (let call = 0; call < calls; call++) flat(kernelsUsed(layer, true)[0]).forEach((value, k) => (sum[k] += value));
    // Per entry U'/U is 2·Bernoulli(½): the mean of 400 calls has standard deviation 0.05, and of all 16 entries
    // pooled 0.0125. The seeded stream makes this one fixed draw; the bounds are 5 standard deviations.
    const ratios = sum.map((total, k) => total / calls / flat(kernel)[k]);
    for (const ratio of ratios) expect(Math.abs(ratio - 1)).toBeLessThan(0.25);
    expect(Math.abs(ratios.reduce((a, b) => a + b, 0) / ratios.length - 1)).toBeLessThan(0.0625);
  });
});
