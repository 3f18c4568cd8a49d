/**
 * Batch norm inside the recurrent layer: inference uses population statistics (an example's prediction does
 * not depend on the rest of the batch), steps beyond `maxSteps` use the last row, and training calls move the
 * population as `pop = m·pop + (1 − m)·batch` with padded steps left out (Cooijmans et al. 2016; IR
 * `BatchStatisticsIR`). Expected values come from the float64 reference.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import type { CellKind, NormIR } from '../../src/ir/types.js';
import { describeBackends, expectClose } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { SeqnetRecurrent } from '../../src/runtime/index.js';
import { applyLayer, buildLayer, findWeight, layerConfig, makeNorm, plainConfig, randomWeights, writeWeights } from '../helpers/recurrent.js';
import { RAGGED_MASK } from './reference/cases.js';
import { runReference } from './reference/run.js';
import type { ReferenceConfig } from './reference/types.js';

const FEATURES = 2;
const STEPS = 4;
const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

const perStep = (site: NormIR['site'], maxSteps = STEPS) => makeNorm(site, 'batch', { batch: { statistics: 'per_step', maxSteps, momentum: 0.8 } });
const shared = makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.7 } });

function bnConfig(cell: CellKind, maxSteps = STEPS): ReferenceConfig {
  const cellNorm = cell === 'lstm' ? [perStep('cell', maxSteps)] : [];
  return plainConfig(cell, 3, { norms: [perStep('recurrent', maxSteps), ...cellNorm, perStep('hidden', maxSteps)] });
}

function population(layer: ReturnType<typeof buildLayer>, site: string): { mean: unknown; variance: unknown } {
  return { mean: findWeight(layer, `${site}_norm/moving_mean`).read().arraySync(), variance: findWeight(layer, `${site}_norm/moving_variance`).read().arraySync() };
}

describeBackends(['cpu', 'wasm'], () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`${cell}: at inference one example's prediction does not depend on the rest of the batch`, () => {
      const random = new TestRandom(21);
      const config = bnConfig(cell);
      const layer = buildLayer(config, randomWeights(config, FEATURES, random), STEPS, FEATURES);
      const x = random.tensor3(4, STEPS, FEATURES);
      const together = applyLayer(layer, x)[0] as number[][][];
      x.forEach((example, b) => expectClose(applyLayer(layer, [example])[0] as number[][][], [together[b]], 1e-6, `example ${b} alone`));
      const otherBatch = [x[0], ...random.tensor3(2, STEPS, FEATURES, -3, 3)];
      expectClose((applyLayer(layer, otherBatch)[0] as number[][][])[0], together[0], 1e-6, 'example 0 with other companions');
      layer.dispose();
    });

    it(`${cell}: steps beyond max_steps use the statistics of the last kept step`, () => {
      const random = new TestRandom(22);
      const short = bnConfig(cell, 2);
      const weights = randomWeights(short, FEATURES, random);
      const long = bnConfig(cell, STEPS);
      // The same weights with rows 2 and 3 copied from row 1: what "use the last row" means.
      const padRows = (rows: number[][] | null) => [...(rows as number[][]), (rows as number[][])[1], (rows as number[][])[1]];
      const extended = weights.map((w) => ({
        ...w,
        norms: Object.fromEntries(Object.entries(w.norms).map(([site, p]) => [site, { ...p, movingMean: padRows(p.movingMean), movingVariance: padRows(p.movingVariance) }])),
      }));
      const x = random.tensor3(3, STEPS, FEATURES);
      const shortLayer = buildLayer(short, weights, STEPS, FEATURES);
      const longLayer = buildLayer(long, extended, STEPS, FEATURES);
      expectClose(applyLayer(shortLayer, x)[0] as number[][][], applyLayer(longLayer, x)[0] as number[][][], 1e-6, 'max_steps 2 vs rows copied');
      shortLayer.dispose();
      longLayer.dispose();
    });

    it(`${cell}: a training call moves the per-step population by the momentum rule, leaving padded steps out`, () => {
      const random = new TestRandom(23);
      const config = bnConfig(cell);
      const weights = randomWeights(config, FEATURES, random);
      const x = random.tensor3(3, STEPS, FEATURES);
      // Step 3 is padding in every example except the first; make the last step padding everywhere too.
      const mask = RAGGED_MASK.map((row, b) => (b === 0 ? [true, true, true, false] : row));
      const expected = runReference(config, weights, x, { training: true, mask }).population[0];
      const layer = buildLayer(config, weights, STEPS, FEATURES);
      const before = population(layer, 'recurrent');
      applyLayer(layer, x, { training: true, mask });
      for (const norm of config.norms) {
        const site = expected[norm.site] as { mean: number[][]; variance: number[][] };
        const actual = population(layer, norm.site);
        expectClose(actual.mean as number[][], site.mean, TOLERANCE, `${norm.site} moving_mean`);
        expectClose(actual.variance as number[][], site.variance, TOLERANCE, `${norm.site} moving_variance (biased batch variance)`);
      }
      // The all-padding step 3 has no statistics, so its row must not move.
      expect((population(layer, 'recurrent').mean as number[][])[3]).toEqual((before.mean as number[][])[3]);
      // Changing the padded values changes nothing.
      const layer2 = buildLayer(config, weights, STEPS, FEATURES);
      const noisy = x.map((sequence, b) => sequence.map((row, t) => (mask[b][t] ? row : row.map(() => random.uniform(-5, 5)))));
      applyLayer(layer2, noisy, { training: true, mask });
      expectClose(population(layer2, 'hidden').mean as number[][], population(layer, 'hidden').mean as number[][], 1e-6, 'population with noisy padding');
      layer.dispose();
      layer2.dispose();
    });

    it(`${cell}: fitting one batch moves the population once, as one training call does`, async () => {
      const random = new TestRandom(26);
      const config = bnConfig(cell);
      const weights = randomWeights(config, FEATURES, random);
      const x = random.tensor3(3, STEPS, FEATURES);
      const expected = runReference(config, weights, x, { training: true }).population[0];
      const layer = new SeqnetRecurrent(layerConfig(config, { inputShape: [STEPS, FEATURES] }));
      const model = tf.sequential({ layers: [layer] });
      writeWeights(layer, config, weights);
      // Learning rate 0: only the population statistics can change.
      model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
      await model.fit(tf.tensor3d(x), tf.zeros([3, STEPS, 3]), { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
      for (const norm of config.norms) {
        const site = expected[norm.site] as { mean: number[][]; variance: number[][] };
        expectClose(population(layer, norm.site).mean as number[][], site.mean, TOLERANCE, `${norm.site} moving_mean after fit`);
        expectClose(population(layer, norm.site).variance as number[][], site.variance, TOLERANCE, `${norm.site} moving_variance after fit`);
      }
      model.dispose();
    });

    it(`${cell}: an inference call leaves the population alone`, () => {
      const random = new TestRandom(24);
      const config = bnConfig(cell);
      const layer = buildLayer(config, randomWeights(config, FEATURES, random), STEPS, FEATURES);
      const before = population(layer, 'hidden');
      applyLayer(layer, random.tensor3(3, STEPS, FEATURES));
      expect(population(layer, 'hidden')).toEqual(before);
      layer.dispose();
    });

    it(`${cell}: shared input statistics move once per call over batch and valid steps`, () => {
      const random = new TestRandom(25);
      const config = plainConfig(cell, 3, { norms: [shared] });
      const weights = randomWeights(config, FEATURES, random);
      const x = random.tensor3(3, STEPS, FEATURES);
      const expected = runReference(config, weights, x, { training: true, mask: RAGGED_MASK }).population[0].input as { mean: number[][]; variance: number[][] };
      const layer = buildLayer(config, weights, STEPS, FEATURES);
      applyLayer(layer, x, { training: true, mask: RAGGED_MASK });
      const actual = population(layer, 'input');
      expectClose(actual.mean as number[], expected.mean[0], TOLERANCE, 'shared moving_mean');
      expectClose(actual.variance as number[], expected.variance[0], TOLERANCE, 'shared moving_variance');
      layer.dispose();
    });
  }
});
