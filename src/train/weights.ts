/** Saving and restoring ordered tensor lists (model weights, optimizer slots) as a tfjs weights file. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic, writeJsonAtomic } from '../io/index.js';

interface WeightsFile {
  /** The tensors' own names (variable names), in order; entries are stored under their index. */
  names: string[];
  specs: tf.io.WeightsManifestEntry[];
}

/** Writes `NAME.bin` and `NAME.json` into `dir`. Tensors are keyed by position so differing variable names in another process don't matter. */
export async function saveTensorList(dir: string, name: string, tensors: readonly { name: string; tensor: tf.Tensor }[]): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((entry, index) => ({ name: String(index), tensor: entry.tensor })));
  await writeFileAtomic(join(dir, `${name}.bin`), new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  const file: WeightsFile = { names: tensors.map((entry) => entry.name), specs };
  await writeJsonAtomic(join(dir, `${name}.json`), file);
}

/** Reads a list written by `saveTensorList`; the caller owns (disposes) the tensors. */
export async function loadTensorList(dir: string, name: string): Promise<{ name: string; tensor: tf.Tensor }[]> {
  const file = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as WeightsFile;
  const bytes = await readFile(join(dir, `${name}.bin`));
  const decoded = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, file.specs);
  return file.names.map((original, index) => ({ name: original, tensor: decoded[String(index)] }));
}

/** A copy of the model's weights (all of them, including batch-norm statistics), in `model.weights` order. */
export function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((weight) => tf.keep(weight.read().clone()));
}

export function namedWeights(model: tf.LayersModel, tensors: readonly tf.Tensor[]): { name: string; tensor: tf.Tensor }[] {
  return model.weights.map((weight, index) => ({ name: weight.originalName, tensor: tensors[index] }));
}
