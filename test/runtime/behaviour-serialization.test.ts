/**
 * Save/load round trips of models containing `SeqnetRecurrent` through tfjs's own IO handlers
 * (`tf.io.withSaveHandler` → `tf.io.fromMemory` → `tf.loadLayersModel`): identical predictions, identical
 * weights including batch-norm population statistics moved by a training call, identical layer configs.
 * Loading needs only the registration that importing the runtime entry point (`seqnet/runtime`) performs.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/index.js';
import { CELL_KINDS } from '../../src/variants/index.js';
import { describeBackends } from '../helpers/backends.js';
import { TestRandom } from '../helpers/random.js';
import { layerConfig, makeNorm, plainConfig, randomWeights, writeWeights } from '../helpers/recurrent.js';
import type { ReferenceConfig } from './reference/types.js';

const STEPS = 4;
const FEATURES = 2;

const perStep = { statistics: 'per_step' as const, maxSteps: STEPS, momentum: 0.5 };

/** Two stacked layers covering every kind of weight: LN and RMS parameters, per-step and shared batch statistics, both directions. */
const FIRST: ReferenceConfig = plainConfig('lstm', 3, {
  norms: [
    makeNorm('input', 'batch', { batch: { statistics: 'shared', maxSteps: null, momentum: 0.5 } }),
    makeNorm('recurrent', 'layer'),
    makeNorm('cell', 'batch', { batch: perStep }),
  ],
  dropout: { input: { rate: 0.2, mask: 'sequence' }, recurrent: { rate: 0.2 }, candidate: null, zoneout: { cell: 0.1, hidden: 0.1 } },
});
const SECOND: ReferenceConfig = plainConfig('gru', 2, {
  resetAfter: true,
  returnSequences: false,
  bidirectional: { merge: 'ave' },
  norms: [makeNorm('gates', 'rms', { groups: 'per_gate' }), makeNorm('hidden', 'batch', { batch: perStep })],
});

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (saved === null) throw new Error('the save handler was not called');
  return tf.loadLayersModel(tf.io.fromMemory(saved));
}

function weightsByName(model: tf.LayersModel): Map<string, unknown> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().arraySync()]));
}

describeBackends(['cpu', 'wasm'], () => {
  it('a saved and reloaded model predicts the same and keeps every weight and population statistic', async () => {
    const random = new TestRandom(51);
    const first = new SeqnetRecurrent(layerConfig(FIRST, { name: 'rec_a', inputShape: [STEPS, FEATURES] }));
    const second = new SeqnetRecurrent(layerConfig(SECOND, { name: 'rec_b' }));
    const model = tf.sequential({ layers: [first, second] });
    writeWeights(first, FIRST, randomWeights(FIRST, FEATURES, random));
    writeWeights(second, SECOND, randomWeights(SECOND, 3, random));
    const x = tf.tensor3d(random.tensor3(3, STEPS, FEATURES));
    // A training call moves the population statistics; the saved model must carry the moved values.
    const before = weightsByName(model).get('rec_b/forward/hidden_norm/moving_mean');
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
    expect(weightsByName(model).get('rec_b/forward/hidden_norm/moving_mean')).not.toEqual(before);

    const loaded = await roundTrip(model);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['SeqnetRecurrent', 'SeqnetRecurrent']);
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
    expect(weightsByName(loaded)).toEqual(weightsByName(model));
    const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync());
    expect(tf.tidy(() => (loaded.predict(x) as tf.Tensor).arraySync())).toEqual(expected);
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  // Every cell's own weight shapes (the IndRNN's recurrent vector among them) survive the round trip.
  for (const cell of CELL_KINDS) {
    it(`${cell}: a saved and reloaded layer keeps its config, its weights and its predictions`, async () => {
      const random = new TestRandom(52);
      const config = plainConfig(cell, 3, { norms: [makeNorm('recurrent', 'layer'), makeNorm('hidden', 'rms')] });
      const layer = new SeqnetRecurrent(layerConfig(config, { name: 'rec', inputShape: [STEPS, FEATURES] }));
      const model = tf.sequential({ layers: [layer] });
      writeWeights(layer, config, randomWeights(config, FEATURES, random));
      const x = tf.tensor3d(random.tensor3(2, STEPS, FEATURES));
      const loaded = await roundTrip(model);
      expect(loaded.layers[0].getConfig()).toEqual(layer.getConfig());
      expect(weightsByName(loaded)).toEqual(weightsByName(model));
      const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync());
      expect(tf.tidy(() => (loaded.predict(x) as tf.Tensor).arraySync())).toEqual(expected);
      x.dispose();
      model.dispose();
      loaded.dispose();
    });
  }

  it('the saved topology names the registered class', async () => {
    const model = tf.sequential({ layers: [new SeqnetRecurrent(layerConfig(plainConfig('rnn', 2), { inputShape: [STEPS, FEATURES] }))] });
    let topology = '';
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        topology = JSON.stringify(artifacts.modelTopology);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(topology).toContain('SeqnetRecurrent');
    // tfjs deserializes by the static className; the registry must map it to this very class.
    expect(tf.serialization.SerializationMap.getMap().classNameMap.SeqnetRecurrent?.[0]).toBe(SeqnetRecurrent);
    model.dispose();
  });
});
