/** Saving and restoring ordered tensor lists (model weights, optimizer slots) as a tfjs weights file. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkWeightData, readVerifiedFile, readVerifiedJson, RunFileError, toArrayBuffer } from '../io/index.js';

interface WeightsFile {
  /** The tensors' own names (variable names), in order; entries are stored under their index. */
  names: string[];
  specs: tf.io.WeightsManifestEntry[];
}

/**
 * `NAME.bin` and `NAME.json` for `commitFiles`. Tensors are keyed by position so differing variable names in
 * another process don't matter.
 */
export async function encodeTensorList(name: string, tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<Record<string, string | Uint8Array>> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((entry, index) => ({ name: String(index), tensor: entry.tensor })));
  const file: WeightsFile = { names: tensors.map((entry) => entry.name), specs };
  return { [`${name}.bin`]: new Uint8Array(tf.io.CompositeArrayBuffer.join(data)), [`${name}.json`]: `${JSON.stringify(file, null, 2)}\n` };
}

/** Reads a list written by `encodeTensorList`, verified against the folder's manifest; the caller owns (disposes) the tensors. */
export async function loadTensorList(dir: string, name: string): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const described = join(dir, `${name}.json`);
  const file = await readVerifiedJson<Partial<WeightsFile>>(dir, `${name}.json`);
  if (!Array.isArray(file?.names) || !Array.isArray(file.specs) || file.names.length !== file.specs.length) {
    throw new RunFileError(described, 'is not a list of tensor names and weight entries of the same length');
  }
  const data = toArrayBuffer(await readVerifiedFile(dir, `${name}.bin`));
  checkWeightData(join(dir, `${name}.bin`), described, file.specs, data);
  const decoded = tf.io.decodeWeights(data, file.specs);
  return file.names.map((original, index) => ({ name: String(original), tensor: decoded[String(index)] }));
}

/** A copy of the model's weights (all of them, including batch-norm statistics), in `model.weights` order. */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((weight) => tf.keep(weight.read().clone()));
}

export function namedWeights(model: tf.LayersModel, tensors: readonly tf.Tensor[]): { name: string; tensor: tf.Tensor }[] {
  return model.weights.map((weight, index) => ({ name: weight.originalName, tensor: tensors[index] }));
}
