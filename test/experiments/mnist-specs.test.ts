/**
 * The sequential-MNIST specs of experiments/mnist/ (Cooijmans et al. 2016, Figure 2 at this machine's scale):
 * each checks without a diagnostic and compiles; the three of an order differ only in their recurrent layer's
 * normalization and initial-state noise; that noise does what the paper adds it for: on blank first pixels, the
 * BN-LSTM's examples no longer share one state in training; and it is what keeps the LN-LSTM's gradient finite
 * there. No training is run here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import type { ModelIR, RecurrentLayerIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { checkSpec } from '../../src/validate/index.js';

const FOLDER = join(import.meta.dirname, '..', '..', 'experiments', 'mnist');
const ORDERS = ['sequential', 'permuted'] as const;
const VARIANTS = ['lstm', 'bn_lstm', 'ln_lstm'] as const;

function load(name: string): ModelIR {
  const file = `${name}.seqnet`;
  const { ir, diagnostics } = checkSpec(readFileSync(join(FOLDER, file), 'utf8'), `experiments/mnist/${file}`);
  expect(diagnostics.map((diagnostic) => `${diagnostic.code} ${diagnostic.message}`)).toEqual([]);
  if (ir === null) throw new Error(`${file} does not check`);
  return ir;
}

function recurrent(ir: ModelIR): RecurrentLayerIR {
  const layer = ir.layers[0];
  if (layer.type !== 'recurrent') throw new Error('expected the recurrent layer first');
  return layer;
}

/** The IR without its name and the recurrent layer's normalization and noise: what the three specs share. */
function shared(ir: ModelIR): unknown {
  const { norms, preset, useBias, dropout, ...layer } = recurrent(ir);
  return { ...ir, name: null, layers: [layer, ...ir.layers.slice(1)] };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('experiments/mnist', () => {
  it('holds one spec per order and variant, and no other spec', () => {
    const expected = ORDERS.flatMap((order) => VARIANTS.map((variant) => `${order}_${variant}.seqnet`)).sort();
    expect(readdirSync(FOLDER).filter((file) => file.endsWith('.seqnet')).sort()).toEqual(expected);
  });

  for (const order of ORDERS) {
    it(`${order}: the three specs check, compile and differ only in the recurrent layer's normalization`, () => {
      const [plain, bn, ln] = VARIANTS.map((variant) => load(`${order}_${variant}`));
      for (const ir of [plain, bn, ln]) compileModel(ir, { compile: false }).dispose();
      expect(shared(bn)).toEqual(shared(plain));
      expect(shared(ln)).toEqual(shared(plain));
      expect(recurrent(plain).norms).toEqual([]);
      expect(recurrent(bn).preset).toBe('cooijmans2016');
      expect(recurrent(ln).preset).toBe('ba2016');
      expect(plain.input).toEqual({ steps: 196, features: 1, padding: null });
      expect(plain.data?.source).toMatchObject({ type: 'mnist', size: 14, order: 'pixels', ...(order === 'permuted' ? { permute: 1 } : {}) });
      // Initial-state noise on h_0 where the paper uses it (the BN-LSTM on the unpermuted order), and on the
      // LN-LSTM of both orders, which diverges without it (the last test).
      expect(recurrent(bn).dropout.initialNoise).toEqual(order === 'sequential' ? { hidden: 0.1, cell: 0 } : undefined);
      expect(recurrent(plain).dropout.initialNoise).toBeUndefined();
      expect(recurrent(ln).dropout.initialNoise).toEqual({ hidden: 0.1, cell: 0 });
      // The population statistics follow the batches within a run: momentum 0.8, not the preset's 0.99.
      expect(recurrent(bn).norms.map((norm) => norm.batch?.momentum)).toEqual([0.8, 0.8, 0.8]);
    });
  }

  it('the noise gives the BN-LSTM distinct states on blank first pixels in training, and none at inference', () => {
    const ir = load('sequential_bn_lstm');
    const withoutNoise: ModelIR = { ...ir, layers: ir.layers.map((layer) => (layer.type === 'recurrent' ? { ...layer, dropout: { ...layer.dropout, initialNoise: undefined } } : layer)) };
    // Every digit's first rows are black: a batch of identical blank prefixes (8 of the 196 steps).
    const blank = { ...ir, input: { ...ir.input, steps: 8 } };
    const outputs = (spec: ModelIR, training: boolean): number[][] => {
      const model = compileModel({ ...spec, input: blank.input }, { compile: false });
      seedRandom(1);
      const result = tf.tidy(() => (model.apply(tf.zeros([4, 8, 1]), { training }) as tf.Tensor).arraySync() as number[][]);
      model.dispose();
      return result;
    };
    const distinctRows = (rows: number[][]) => new Set(rows.map((row) => row.join(','))).size;
    expect(distinctRows(outputs(withoutNoise, true))).toBe(1);
    expect(distinctRows(outputs(ir, true))).toBe(4);
    expect(outputs(ir, false)).toEqual(outputs(withoutNoise, false));
  });

  it('the noise keeps the LN-LSTM\'s gradient finite after blank first pixels; without it, it overflows', () => {
    const ir = load('sequential_ln_lstm');
    const withoutNoise: ModelIR = { ...ir, layers: ir.layers.map((layer) => (layer.type === 'recurrent' ? { ...layer, dropout: { ...layer.dropout, initialNoise: undefined } } : layer)) };
    // 10 blank steps, then 2 of ink: h stays exactly 0 over the blank ones unless h_0 is noisy, and layer norm's
    // gradient at the zero vector (γ/√ε per norm) compounds over them.
    const gradientNorm = (spec: ModelIR): number => {
      const model = compileModel({ ...spec, input: { ...spec.input, steps: 12 } }, { compile: false });
      seedRandom(1);
      const x = tf.concat([tf.zeros([4, 10, 1]), tf.fill([4, 2, 1], 0.8)], 1);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10);
      const weights = model.trainableWeights.map((weight) => (weight as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, weights);
      const norm = Math.sqrt(Object.values(grads).reduce((sum, gradient) => sum + tf.sum(tf.square(gradient)).dataSync()[0], 0));
      tf.dispose([x, y, value, ...Object.values(grads)]);
      model.dispose();
      return norm;
    };
    const noisy = gradientNorm(ir);
    expect(Number.isFinite(noisy) && noisy < 100).toBe(true);
    const plain = gradientNorm(withoutNoise);
    expect(Number.isFinite(plain) && plain < 1e6).toBe(false);
  });
});
