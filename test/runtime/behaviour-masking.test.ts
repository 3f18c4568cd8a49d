/**
 * Masking in `SeqnetRecurrent`: values at padded steps change nothing (outputs, states, and batch
 * statistics), outputs at padded steps are zero, and a preceding `tf.layers.masking` layer drives the mask
 * end to end, matching the float64 reference. The bidirectional end-to-end case runs last: on wasm a
 * mishandled `bool` mask can corrupt the wasm heap for every test after it.
 */
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import type { CellKind } from '../../src/ir/types.js';
import { CELL_KINDS } from '../../src/variants/index.js';
import { SeqnetRecurrent, seedRandom } from '../../src/runtime/index.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { applyLayer, buildLayer, layerConfig, makeNorm, plainConfig, randomWeights, writeWeights } from '../helpers/recurrent.js';
import { RAGGED_MASK } from './reference/cases.js';
import { runReference } from './reference/run.js';
import type { ReferenceConfig } from './reference/types.js';

const FEATURES = 2;
const STEPS = 4;
const CELLS: readonly CellKind[] = CELL_KINDS;

function normedConfig(cell: CellKind, overrides: Partial<ReferenceConfig> = {}): ReferenceConfig {
  const norms = [makeNorm('input', 'layer'), makeNorm('recurrent', 'batch'), makeNorm('hidden', 'rms')];
  return plainConfig(cell, 3, { norms, returnState: true, ...overrides });
}

/** `x` with every padded step replaced by large random values. */
function scramblePadding(x: number[][][], mask: boolean[][], random: TestRandom): number[][][] {
  return x.map((sequence, b) => sequence.map((row, t) => (mask[b][t] ? row : row.map(() => random.uniform(-9, 9)))));
}

/** The padded inputs `tf.layers.masking({ maskValue: 0 })` recognizes: all features 0 at padded steps. */
function zeroPadded(x: number[][][], mask: boolean[][]): number[][][] {
  return x.map((sequence, b) => sequence.map((row, t) => (mask[b][t] ? row : row.map(() => 0))));
}

function maskedModel(config: ReferenceConfig, random: TestRandom): { model: tf.Sequential; expected: (x: number[][][]) => number[][][] } {
  const weights = randomWeights(config, FEATURES, random);
  const layer = new SeqnetRecurrent(layerConfig({ ...config, returnState: false }));
  const model = tf.sequential({ layers: [tf.layers.masking({ maskValue: 0, inputShape: [STEPS, FEATURES] }), layer] });
  writeWeights(layer, config, weights);
  const expected = (x: number[][][]) => runReference(config, weights, x, { training: false, mask: RAGGED_MASK }).output as number[][][];
  return { model, expected };
}

describeBackends(['cpu', 'wasm'], () => {
  for (const cell of CELLS) {
    for (const training of [false, true]) {
      it(`${cell}: values at padded steps change nothing (${training ? 'minibatch' : 'population'} statistics), padded outputs are zero`, () => {
        const random = new TestRandom(41);
        const config = normedConfig(cell);
        const layer = buildLayer(config, randomWeights(config, FEATURES, random), STEPS, FEATURES);
        const x = random.tensor3(3, STEPS, FEATURES);
        const clean = applyLayer(layer, x, { training, mask: RAGGED_MASK });
        const noisy = applyLayer(layer, scramblePadding(x, RAGGED_MASK, random), { training, mask: RAGGED_MASK });
        clean.forEach((value, k) => expectClose(noisy[k] as number[][], value as number[][], 1e-6, k === 0 ? 'output' : `state ${k - 1}`));
        const sequence = clean[0] as number[][][];
        // Zero within 0 (−0 counts as zero: a product with a 0 mask may carry the sign).
        RAGGED_MASK.forEach((row, b) => row.forEach((valid, t) => valid || expectClose(sequence[b][t], [0, 0, 0], 0, `example ${b} step ${t}`)));
        layer.dispose();
      });
    }

    it(`${cell}: with dropout and zoneout in training, values at padded steps change nothing`, () => {
      const random = new TestRandom(45);
      const dropout = {
        input: { rate: 0.3, mask: 'step' as const },
        recurrent: { rate: 0.3 },
        candidate: { rate: 0.3, mask: 'step' as const },
        zoneout: { cell: cell === 'lstm' ? 0.3 : 0, hidden: 0.3 },
      };
      const config = normedConfig(cell, { dropout, returnSequences: false });
      const layer = buildLayer(config, randomWeights(config, FEATURES, random), STEPS, FEATURES);
      const x = random.tensor3(3, STEPS, FEATURES);
      // The same seed draws the same masks, so only the padded values differ between the two calls.
      seedRandom(5);
      const clean = applyLayer(layer, x, { training: true, mask: RAGGED_MASK });
      seedRandom(5);
      const noisy = applyLayer(layer, scramblePadding(x, RAGGED_MASK, random), { training: true, mask: RAGGED_MASK });
      clean.forEach((value, k) => expectClose(noisy[k] as number[][], value as number[][], 1e-6, k === 0 ? 'last output' : `state ${k - 1}`));
      layer.dispose();
    });

    it(`${cell}: the last output of a padded sequence is its last valid step's output`, () => {
      const random = new TestRandom(42);
      const config = normedConfig(cell);
      const weights = randomWeights(config, FEATURES, random);
      const x = random.tensor3(3, STEPS, FEATURES);
      const sequenceLayer = buildLayer(config, weights, STEPS, FEATURES);
      const lastLayer = buildLayer({ ...config, returnSequences: false }, weights, STEPS, FEATURES);
      const sequence = applyLayer(sequenceLayer, x, { mask: RAGGED_MASK })[0] as number[][][];
      const last = applyLayer(lastLayer, x, { mask: RAGGED_MASK })[0] as number[][];
      const lastValid = RAGGED_MASK.map((row) => row.lastIndexOf(true));
      expectClose(last, sequence.map((s, b) => s[lastValid[b]]), 1e-6, 'last output');
      sequenceLayer.dispose();
      lastLayer.dispose();
    });

    it(`${cell}: a tf.layers.masking layer in front masks zero-padded steps`, () => {
      const random = new TestRandom(43);
      const { model, expected } = maskedModel(normedConfig(cell), random);
      const x = zeroPadded(random.tensor3(3, STEPS, FEATURES), RAGGED_MASK);
      const actual = tf.tidy(() => (model.predict(tf.tensor3d(x)) as tf.Tensor).arraySync());
      expectClose(actual as number[][][], expected(x), { rtol: 1e-4, atol: 2e-5 }, 'masked model output');
      model.dispose();
    });
  }

  for (const cell of CELLS) {
    it(`${cell}: a tf.layers.masking layer in front of a bidirectional layer`, () => {
      const random = new TestRandom(44);
      const { model, expected } = maskedModel(normedConfig(cell, { bidirectional: { merge: 'concat' } }), random);
      const x = zeroPadded(random.tensor3(3, STEPS, FEATURES), RAGGED_MASK);
      const actual = tf.tidy(() => (model.predict(tf.tensor3d(x)) as tf.Tensor).arraySync());
      expectClose(actual as number[][][], expected(x), { rtol: 1e-4, atol: 2e-5 }, 'masked bidirectional output');
      model.dispose();
    });
  }
});
