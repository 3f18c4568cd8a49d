import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fileHandler } from '../../src/io/index.js';
import { sineIr, standInModel } from '../train/fixtures.js';

describe('fileHandler', () => {
  it('saves model.json and weights.bin in the tfjs format and loads them into a model that predicts the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqnet-io-'));
    const model = standInModel(sineIr(), 5);
    await model.save(fileHandler(dir));
    expect((await readdir(dir)).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(modelJson.weightsManifest).toEqual([{ paths: ['./weights.bin'], weights: expect.any(Array) }]);
    const bytes = modelJson.weightsManifest[0].weights.reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1) * 4, 0);
    expect((await readFile(join(dir, 'weights.bin'))).byteLength).toBe(bytes);

    const loaded = await tf.loadLayersModel(fileHandler(dir));
    const x = tf.randomNormal([3, 12, 1], 0, 1, 'float32', 9);
    const expected = (model.predict(x) as tf.Tensor).arraySync();
    expect((loaded.predict(x) as tf.Tensor).arraySync()).toEqual(expected);
  });

  it('refuses to load from a folder without a manifest', async () => {
    await expect(tf.loadLayersModel(fileHandler('/nonexistent/seqnet'))).rejects.toThrow(/^\/nonexistent\/seqnet\/manifest\.json: missing; this is not a seqnet run directory/);
  });
});
