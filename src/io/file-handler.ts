/**
 * A tfjs IOHandler for a folder on the local disk (tfjs has `file://` only with tfjs-node): `model.json` and
 * `weights.bin` in the standard layers-model format, so the same files load in a browser with
 * `tf.loadLayersModel(url)`. Saving records both in the folder's `manifest.json`; loading verifies them
 * against it and refuses anything that does not match (see manifest.ts).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { RunFileError } from './errors.js';
import { commitFiles, isPlainFileName, readVerifiedFile, readVerifiedJson } from './manifest.js';
import { checkWeightData } from './weight-data.js';

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
  await commitFiles(dir, { [WEIGHTS_FILE]: new Uint8Array(weights), [MODEL_FILE]: JSON.stringify(modelJson) });
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/** The weights files a `weightsManifest` names, each a plain file name in the folder (`./` allowed). */
function weightFileNames(path: string, manifest: unknown): { names: string[]; specs: unknown[] } {
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new RunFileError(path, 'has no weightsManifest, so it names no weights; refusing to use a model with initial (random) weights');
  }
  const names: string[] = [];
  const specs: unknown[] = [];
  for (const group of manifest as Partial<tf.io.WeightsManifestConfig[number]>[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw new RunFileError(path, 'its weightsManifest is not a list of {paths, weights} groups');
    for (const entry of group.paths) {
      const name = typeof entry === 'string' ? entry.replace(/^\.\//, '') : '';
      if (!isPlainFileName(name)) throw new RunFileError(path, `its weightsManifest names '${String(entry)}', which is not a file name inside the folder; refusing to read outside it`);
      names.push(name);
    }
    specs.push(...group.weights);
  }
  return { names, specs };
}

/** Reads `model.json` and its weights from `dir` (what the handler's `load` returns), verified. */
export async function loadArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const path = join(dir, MODEL_FILE);
  const modelJson = await readVerifiedJson<Partial<tf.io.ModelJSON>>(dir, MODEL_FILE);
  if (typeof modelJson !== 'object' || modelJson === null || typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw new RunFileError(path, 'has no modelTopology; it is not a tfjs layers model');
  }
  const { names, specs } = weightFileNames(path, modelJson.weightsManifest);
  const buffers = await Promise.all(names.map((name) => readVerifiedFile(dir, name)));
  const data = tf.io.CompositeArrayBuffer.join(buffers.map((buffer) => toArrayBuffer(buffer)));
  checkWeightData(join(dir, names.join(', ')), path, specs, data);
  try {
    return await tf.io.getModelArtifactsForJSON(modelJson as tf.io.ModelJSON, async () => [specs as tf.io.WeightsManifestEntry[], data]);
  } catch (error) {
    throw new RunFileError(path, `is not a usable tfjs model description (${(error as Error).message})`);
  }
}

/** A Node Buffer may view a larger pooled ArrayBuffer; copy out exactly its bytes. */
export function toArrayBuffer(buffer: Uint8Array): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
