/** getConfig / fromConfig and a full model save-load round trip, population statistics included. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { batchNormAt, layerNormAt, maxDifference, plainConfig, sequenceInput } from './layer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const RICH: SeqnetRecurrentConfig = plainConfig('lstm', 3, {
  name: 'rich',
  recurrentActivation: 'hard_sigmoid',
  bidirectional: { merge: 'ave' },
  forgetBias: { init: 1, constant: 0.5 },
  norms: [batchNormAt('input', 'per_step', 3), layerNormAt('recurrent', 'gates_and_candidate'), batchNormAt('cell', 'per_step', 3)],
  dropout: { input: { rate: 0.1, mask: 'step' }, recurrent: { rate: 0.2 }, candidate: null, zoneout: { cell: 0.1, hidden: 0.05 } },
  initializers: { kernel: 'he_uniform', recurrentKernel: 'glorot_normal', bias: 'zeros' },
  seed: 11,
});

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved as unknown as tf.io.ModelArtifacts));
}

describe('serialization', () => {
  it('getConfig is plain JSON that rebuilds an identical config', () => {
    const layer = new SeqnetRecurrent(RICH);
    const config = layer.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    const rebuilt = SeqnetRecurrent.fromConfig(SeqnetRecurrent, config) as SeqnetRecurrent;
    expect(rebuilt.config).toEqual(layer.config);
  });

  it('a trained model with batch-norm statistics saves and loads with identical outputs', async () => {
    const input = tf.input({ shape: [4, 2] });
    const hidden = new SeqnetRecurrent(RICH).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 1 }).apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const x = sequenceInput(8, 4, 2);
    await model.fit(x, tf.ones([8, 4, 1]), { epochs: 2, batchSize: 4, verbose: 0 });
    const loaded = await roundTrip(model);
    const restored = loaded.layers.find((layer) => layer instanceof SeqnetRecurrent) as SeqnetRecurrent;
    expect(restored.config).toEqual(new SeqnetRecurrent(RICH).config);
    // tfjs keeps variable names unique process-wide, so the loaded copy may carry a numeric suffix.
    const movingMean = restored.weights.find((w) => /forward\/input_norm\/moving_mean(_\d+)?$/.test(w.name));
    expect(movingMean?.shape).toEqual([3, 12]);
    expect(maxDifference(movingMean?.read() as tf.Tensor, tf.zeros([3, 12]))).toBeGreaterThan(1e-3);
    expect(maxDifference(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
  });

  it('the same seed gives the same initial weights, another seed other weights', () => {
    const build = (seed: number) => {
      const layer = new SeqnetRecurrent({ ...RICH, seed });
      layer.apply(sequenceInput(1, 2, 2));
      return layer.getWeights();
    };
    const [a, b, c] = [build(5), build(5), build(6)];
    a.forEach((w, i) => expect(maxDifference(w, b[i])).toBe(0));
    expect(maxDifference(a[0], c[0])).toBeGreaterThan(1e-3);
    // Forward and backward kernels are seeded apart.
    expect(maxDifference(a[0], a[a.length / 2])).toBeGreaterThan(1e-3);
  });

  it('initializes the forget slice of the bias and identity recurrent kernels per gate', () => {
    const layer = new SeqnetRecurrent(plainConfig('lstm', 2, { forgetBias: { init: 1, constant: 0 }, initializers: { kernel: 'zeros', recurrentKernel: 'identity', bias: 'zeros' } }));
    layer.apply(sequenceInput(1, 2, 2));
    const [kernel, recurrent, bias] = layer.getWeights();
    expect(Array.from(kernel.dataSync())).toEqual(new Array(16).fill(0));
    expect(recurrent.arraySync()).toEqual([[1, 0, 1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1, 0, 1]]);
    expect(Array.from(bias.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('rejects configs it cannot compute with a message naming the problem', () => {
    expect(() => new SeqnetRecurrent(plainConfig('gru', 2, { norms: [layerNormAt('cell')] }))).toThrow(/'cell' norm needs a cell with that site, not 'gru'/);
    expect(() => new SeqnetRecurrent(plainConfig('lstm', 2, { norms: [batchNormAt('recurrent', 'shared')] }))).toThrow(/only possible at the 'input' site/);
  });
});
