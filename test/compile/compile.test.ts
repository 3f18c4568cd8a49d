import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CompileError, compileModel, compileSpec } from '../../src/compile/index.js';
import { summarizeModel } from '../../src/explain/index.js';
import { InvalidSpecError } from '../../src/validate/errors.js';
import { lstm, model, head, MULTI_HEAD, SINE } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const size = (weights: tf.LayerVariable[]) => weights.reduce((sum, weight) => sum + weight.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);

function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((weight) => Array.from(weight.dataSync()));
}

describe('compileModel', () => {
  it('builds the sine model: LSTM, batch norm over the last axis, dropout, a per-step head', () => {
    const built = compileModel(SINE, { compile: false });
    expect(built.layers.map((layer) => layer.getClassName())).toEqual(['InputLayer', 'SeqnetRecurrent', 'BatchNormalization', 'SequenceDropout', 'Dense']);
    expect(built.outputNames).toEqual(['cosine']);
    expect(built.outputs[0].shape).toEqual([null, 50, 1]);
    expect((built.getLayer('norm_1').getConfig() as { axis: number }).axis).toBe(-1);
  });

  it('builds a multi-output model with a mask, a residual and every head position', () => {
    const built = compileModel(MULTI_HEAD, { compile: false });
    expect(built.outputNames).toEqual(['every', 'last', 'average', 'peak']);
    expect(built.outputs.map((output) => output.shape)).toEqual([[null, null, 2], [null, 1], [null, 3], [null, 1]]);
    expect(built.getLayer('input_masking').getClassName()).toBe('Masking');
    expect(built.getLayer('lstm_2_residual').getClassName()).toBe('ResidualAdd');
  });

  it('masks padding end to end: a padded example predicts what its unpadded steps predict', () => {
    const built = compileModel(MULTI_HEAD, { compile: false });
    const steps = [[0.5, -0.2, 0.1], [0.3, 0.9, -0.7], [-0.4, 0.2, 0.8]];
    const padded = built.predict(tf.tensor3d([[...steps, [-1, -1, -1], [-1, -1, -1]]])) as tf.Tensor[];
    const unpadded = built.predict(tf.tensor3d([steps])) as tf.Tensor[];
    // Heads 1–3 (last step, mean, max) read only valid steps; the per-step head agrees on the valid steps.
    for (const index of [1, 2, 3]) {
      const [a, b] = [padded[index].dataSync(), unpadded[index].dataSync()];
      a.forEach((value, i) => expect(value).toBeCloseTo(b[i], 5));
    }
    const everyPadded = (padded[0].arraySync() as number[][][])[0].slice(0, 3).flat();
    (unpadded[0].arraySync() as number[][][])[0].flat().forEach((value, i) => expect(everyPadded[i]).toBeCloseTo(value, 5));
  });

  it('compiles for training: one loss per head, and fit runs', async () => {
    const built = compileModel(MULTI_HEAD);
    const x = tf.randomUniform([4, 5, 3], 0, 1, 'float32', 1);
    const y = [tf.zeros([4, 5, 2]), tf.zeros([4, 1]), tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3), tf.ones([4, 1])];
    const history = await built.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(expect.arrayContaining(['loss', 'every_loss', 'last_loss', 'average_loss', 'peak_loss']));
  });

  it('gives the same initial weights for the same seed and different ones for another', () => {
    const first = weightValues(compileModel(SINE, { seed: 5, compile: false }));
    expect(weightValues(compileModel(SINE, { seed: 5, compile: false }))).toEqual(first);
    expect(weightValues(compileModel(SINE, { seed: 6, compile: false }))).not.toEqual(first);
  });

  it('saves and loads through tfjs serialization (every seqnet layer is registered)', async () => {
    // Compiled for training: the weighted loss functions must not get in the way of saving the model itself.
    const built = compileModel(MULTI_HEAD);
    let artifacts: tf.io.ModelArtifacts | null = null;
    await built.save(tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts as unknown as tf.io.ModelArtifacts));
    const input = tf.randomUniform([2, 4, 3], -1, 1, 'float32', 3);
    const [a, b] = [built.predict(input) as tf.Tensor[], loaded.predict(input) as tf.Tensor[]];
    a.forEach((output, index) => expect(Array.from(output.dataSync())).toEqual(Array.from(b[index].dataSync())));
  });

  it('refuses a residual connection between different widths', () => {
    const bad = model('bad', [lstm('lstm_1', 4), lstm('lstm_2', 8, { residual: true })], [head('y', 1)]);
    expect(() => compileModel(bad)).toThrow(CompileError);
  });
});

// Each spec's totals are checked against its built model in test/codegen/specs.test.ts, which builds it anyway.
describe('summary totals match the built model', () => {
  it('for the fixtures too', () => {
    for (const ir of [SINE, MULTI_HEAD]) {
      const built = compileModel(ir, { compile: false });
      expect(summarizeModel(ir).trainable).toBe(size(built.trainableWeights));
      expect(summarizeModel(ir).nonTrainable).toBe(size(built.nonTrainableWeights));
    }
  });
});

describe('compileSpec', () => {
  it('throws an InvalidSpecError carrying the diagnostics of an invalid spec', () => {
    const source = 'seqnet 1\nmodel broken\ninput { steps 5 }\n';
    let error: unknown = null;
    try {
      compileSpec(source, 'broken.seqnet');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as InvalidSpecError).diagnostics.length).toBeGreaterThan(0);
  });

  it('compiles a valid spec', () => {
    const source = readFileSync(`${ROOT}specs/sine.seqnet`, 'utf8');
    expect(compileSpec(source, 'specs/sine.seqnet', { compile: false }).outputNames).toEqual(['cosine']);
  });
});
