/**
 * Names the user chooses meet names tfjs and seqnet use: the generated ones (input, masking, residuals, head
 * readers) move aside, and the ones tfjs cannot take are reported by `check` at the name.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../src/compile/index.js';
import '../../src/runtime/index.js';
import { checkSpec } from '../../src/validate/index.js';

/** A model whose generated layers are all present: masking, a residual addition and a `mean` reader. */
function spec(layerName: string, headName = 'y'): string {
  return [
    'seqnet 1',
    'model m',
    'input { steps 3; features 4; padding 0 }',
    `lstm 4 { name ${layerName}; residual }`,
    `head ${headName} { units 2; at mean }`,
    '',
  ].join('\n');
}

async function trainOneStep(source: string): Promise<number> {
  const { diagnostics, ir } = checkSpec(source, 'names.seqnet');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const model = compileModel(ir!);
  const loss = await model.trainOnBatch(tf.ones([2, 3, 4]), tf.zeros([2, 2]));
  model.dispose();
  return Array.isArray(loss) ? loss[0] : loss;
}

describe('user names that seqnet also generates', () => {
  for (const [layer, head] of [
    ['input', 'y'],
    ['input_masking', 'y'],
    ['y_mean', 'y'],
    ['enc', 'enc_residual'],
    ['x_residual', 'x'],
  ]) {
    it(`a layer '${layer}' and a head '${head}' compile and train`, async () => {
      expect(Number.isFinite(await trainOneStep(spec(layer, head)))).toBe(true);
    });
  }
});

/** Identifiers that are keywords, values, builtins or names that tfjs and seqnet use for their own things. */
const TRICKY = ['input', 'input_masking', 'y_mean', 'y_last_step', 'prototype', 'then', 'length', 'name', 'NaN', 'Infinity', 'undefined', 'null', 'loss', 'val_loss', 'kernel', 'bias', 'model', 'seqnet', 'x', 'at', 'lstm', 'head', 'variable', 'true_', 'A', 'Z9'];

describe('a model named throughout with tricky identifiers', () => {
  it('checks, trains one step, saves and loads back with the same weights', async () => {
    const [first, ...rest] = TRICKY;
    const source = [
      'seqnet 1',
      `model ${first}`,
      'input { steps 3; features 4; padding 0 }',
      `lstm 4 { name ${first}; residual }`,
      ...rest.map((name) => `dense 4 { name ${name} }`),
      'head y { units 2; at mean }',
      'head y_2 { units 1; at last_step }',
      '',
    ].join('\n');
    const { diagnostics, ir } = checkSpec(source, 'tricky.seqnet');
    expect(diagnostics).toEqual([]);
    const model = compileModel(ir!);
    const loss = await model.trainOnBatch(tf.ones([2, 3, 4]), [tf.zeros([2, 2]), tf.zeros([2, 1])]);
    expect(Number.isFinite(Array.isArray(loss) ? loss[0] : loss)).toBe(true);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers.map((layer) => layer.name)).toEqual(model.layers.map((layer) => layer.name));
    expect(loaded.layers.map((layer) => layer.name)).toEqual(expect.arrayContaining(TRICKY));
    const [expected, actual] = [model, loaded].map((each) => (each.predict(tf.ones([1, 3, 4])) as tf.Tensor[])[0].arraySync());
    expect(actual).toEqual(expected);
    model.dispose();
    loaded.dispose();
  });
});

describe('names tfjs cannot take', () => {
  it.each([
    ['_x', 'y', 4, 'layer'],
    ['__proto__', 'y', 4, 'layer'],
    ['enc', '_', 5, 'head'],
    ['enc', 'hasOwnProperty', 5, 'head'],
    ['constructor', 'y', 4, 'layer'],
    ['enc', 'toString', 5, 'head'],
    ['valueOf', 'y', 4, 'layer'],
  ])('layer %s / head %s is a located SN2014', (layer, head, line, what) => {
    const { diagnostics, ir } = checkSpec(spec(layer, head), 'names.seqnet');
    expect(ir).toBeNull();
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.startLine])).toEqual([['SN2014', line]]);
    expect(errors[0].message).toContain(`cannot name a ${what}`);
    expect(errors[0].hint).toMatch(/^rename it, e\.g\. '[A-Za-z]/);
  });

  it('a model with a layer or head named after an Object.prototype member could not be loaded back (why SN2014)', async () => {
    // The planner is given an IR that check would reject, to show what the check prevents.
    const { ir } = checkSpec(spec('enc', 'y'), 'names.seqnet');
    const model = compileModel({ ...ir!, heads: ir!.heads.map((head) => ({ ...head, name: 'toString' })) });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    await expect(tf.loadLayersModel(tf.io.fromMemory(saved!))).rejects.toThrow();
  });

  it('a stack named _x is reported once', () => {
    const { diagnostics } = checkSpec(spec('_x').replace('lstm 4 {', 'lstm 4 x 3 {'), 'names.seqnet');
    expect(diagnostics.filter((d) => d.code === 'SN2014')).toHaveLength(1);
  });
});
