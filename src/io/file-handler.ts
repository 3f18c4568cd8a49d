/**
 * A tfjs IOHandler for a folder on the local disk (tfjs has `file://` only with tfjs-node): `model.json` and
 * `weights.bin` in the standard layers-model format, so the same files load in a browser with
 * `tf.loadLayersModel(url)`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from './atomic.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** Saves into / loads from `dir`; `dir` must exist when saving. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    save: (artifacts) => saveArtifacts(dir, artifacts),
    load: () => loadArtifacts(dir),
  };
}

async function saveArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('fileHandler saves layers models (JSON topology) only');
  }
  const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  // Weights first: a model.json is only ever next to the weights it describes.
  await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await writeFileAtomic(join(dir, MODEL_FILE), JSON.stringify(modelJson));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** Reads `model.json` and its weights from `dir` (what the handler's `load` returns). */
export async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = await Promise.all(manifest.flatMap((group) => group.paths.map((path) => readFile(join(dir, path)))));
    const data = tf.io.CompositeArrayBuffer.join(buffers.map((buffer) => toArrayBuffer(buffer)));
    return [specs, data];
  });
}

/** A Node Buffer may view a larger pooled ArrayBuffer; copy out exactly its bytes. */
function toArrayBuffer(buffer: Uint8Array): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
