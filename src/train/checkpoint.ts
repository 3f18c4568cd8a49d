/**
 * A run's checkpoint: model weights, optimizer slots, best weights so far and the loop state (epoch, batch,
 * shuffle and dropout random streams, early-stopping and schedule counters). The latest replaces the
 * previous one by renaming whole folders, so a crash never leaves a half-written checkpoint.
 */
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileHandler, loadArtifacts, temporaryPath, writeJsonAtomic } from '../io/index.js';
import type { LoopState } from './types.js';
import { loadTensorList, namedWeights, saveTensorList } from './weights.js';

export const CHECKPOINT_DIR = 'checkpoint';
const PREVIOUS_DIR = 'checkpoint.previous';

export interface Checkpoint {
  state: LoopState;
  weights: tf.Tensor[];
  optimizer: { name: string; tensor: tf.Tensor }[];
  best: tf.Tensor[] | null;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

export async function saveCheckpoint(runDir: string, model: tf.LayersModel, state: LoopState, best: tf.Tensor[] | null): Promise<void> {
  const target = join(runDir, CHECKPOINT_DIR);
  const staging = temporaryPath(target);
  await mkdir(staging);
  try {
    await model.save(fileHandler(staging));
    await saveTensorList(staging, 'optimizer', await (model.optimizer as tf.Optimizer).getWeights());
    if (best !== null) await saveTensorList(staging, 'best', namedWeights(model, best));
    await writeJsonAtomic(join(staging, 'state.json'), serializeState(state));
    const previous = join(runDir, PREVIOUS_DIR);
    await rm(previous, { recursive: true, force: true });
    if (await exists(target)) await rename(target, previous);
    await rename(staging, target);
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Infinity is not JSON; the monitor's "nothing yet" values are stored as null. */
function serializeState(state: LoopState): unknown {
  return JSON.parse(JSON.stringify(state, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? null : value)));
}

function deserializeState(json: string): LoopState {
  const state = JSON.parse(json) as LoopState;
  const monitor = state.monitor as unknown as Record<string, number | null>;
  for (const key of ['best', 'plateauBest']) monitor[key] ??= Number.POSITIVE_INFINITY;
  // Checkpoints written before skipped updates were counted have none.
  state.partial.skipped ??= 0;
  state.skippedInARow ??= 0;
  return state;
}

/** The checkpoint folder of a run (the previous one if a swap was interrupted), or null. */
export async function findCheckpoint(runDir: string): Promise<string | null> {
  for (const name of [CHECKPOINT_DIR, PREVIOUS_DIR]) {
    if (await exists(join(runDir, name, 'state.json'))) return join(runDir, name);
  }
  return null;
}

export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const state = deserializeState(await readFile(join(dir, 'state.json'), 'utf8'));
  const artifacts = await loadArtifacts(dir);
  const decoded = tf.io.decodeWeights(artifacts.weightData as tf.io.WeightData, artifacts.weightSpecs ?? []);
  const weights = (artifacts.weightSpecs ?? []).map((spec) => decoded[spec.name]);
  const optimizer = await loadTensorList(dir, 'optimizer');
  const best = (await exists(join(dir, 'best.json'))) ? (await loadTensorList(dir, 'best')).map((entry) => entry.tensor) : null;
  return { state, weights, optimizer, best };
}
