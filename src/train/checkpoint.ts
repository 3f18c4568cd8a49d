/**
 * A run's checkpoint: model weights, optimizer state, best weights so far and the loop state (epoch, batch,
 * shuffle and dropout random streams, early-stopping and schedule counters). Each is written into a staging
 * folder with its own `manifest.json` and swapped in by renaming whole folders, so a crash never leaves a
 * half-written checkpoint; loading verifies every file against that manifest.
 */
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { commitFiles, faultPoint, fileHandler, loadArtifacts, MANIFEST_FILE, readManifest, readVerifiedJson, RunFileError, temporaryPath } from '../io/index.js';
import type { LoopState } from './types.js';
import { encodeTensorList, loadTensorList, namedWeights } from './weights.js';

export const CHECKPOINT_DIR = 'checkpoint';
const PREVIOUS_DIR = 'checkpoint.previous';
const STATE_FILE = 'state.json';

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
    await faultPoint('checkpoint:after-weights');
    await commitFiles(staging, { ...(await optimizerFiles(model)), ...(best === null ? {} : await encodeTensorList('best', namedWeights(model, best))), [STATE_FILE]: `${JSON.stringify(serializeState(state), null, 2)}\n` });
    await faultPoint('checkpoint:before-rename');
    const previous = join(runDir, PREVIOUS_DIR);
    await rm(previous, { recursive: true, force: true });
    if (await exists(target)) await rename(target, previous);
    await faultPoint('checkpoint:between-renames');
    await rename(staging, target);
    await faultPoint('checkpoint:after-swap');
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** The optimizer's exact state (see GuardedOptimizer.getWeights); the iteration scalar tfjs makes for it is freed. */
async function optimizerFiles(model: tf.LayersModel): Promise<Record<string, string | Uint8Array>> {
  const weights = await (model.optimizer as tf.Optimizer).getWeights();
  try {
    return await encodeTensorList('optimizer', weights);
  } finally {
    tf.dispose(weights.filter((entry) => entry.name === 'iter').map((entry) => entry.tensor));
  }
}

/** Infinity is not JSON; the monitor's "nothing yet" values are stored as null. */
function serializeState(state: LoopState): unknown {
  return JSON.parse(JSON.stringify(state, (_key, value: unknown) => (value === Number.POSITIVE_INFINITY ? null : value)));
}

function deserializeState(path: string, state: LoopState): LoopState {
  const counters = [state?.epoch, state?.batch, state?.shuffleState, state?.epochShuffleState, state?.randomState];
  const valid = counters.every((value) => Number.isInteger(value) && value >= 0) && typeof state.partial === 'object' && typeof state.monitor === 'object' && Array.isArray(state.history) && ['running', 'early_stopping', 'completed'].includes(state.stopped);
  if (!valid) throw new RunFileError(path, 'is not a checkpoint state (epoch, batch, random streams, monitor, history); the checkpoint cannot be used');
  const monitor = state.monitor as unknown as Record<string, number | null>;
  for (const key of ['best', 'plateauBest']) monitor[key] ??= Number.POSITIVE_INFINITY;
  // Checkpoints written before skipped updates were counted have none.
  state.partial.skipped ??= 0;
  state.skippedInARow ??= 0;
  return state;
}

/**
 * The checkpoint folder of a run, or null when there is none yet. `checkpoint.previous` is the one before,
 * kept only while a newer one is being swapped in; it is used when a kill came between the two renames.
 */
export async function findCheckpoint(runDir: string): Promise<string | null> {
  for (const name of [CHECKPOINT_DIR, PREVIOUS_DIR]) {
    if (await exists(join(runDir, name))) return join(runDir, name);
  }
  return null;
}

/**
 * The latest checkpoint of a run, loaded (null when there is none yet). Once `checkpoint/` itself has
 * loaded, a `checkpoint.previous` left by a kill just after the swap is of no further use and is removed.
 */
export async function loadLatestCheckpoint(runDir: string): Promise<{ dir: string; checkpoint: Checkpoint } | null> {
  const dir = await findCheckpoint(runDir);
  if (dir === null) return null;
  const checkpoint = await loadCheckpoint(dir);
  if (dir === join(runDir, CHECKPOINT_DIR)) await rm(join(runDir, PREVIOUS_DIR), { recursive: true, force: true });
  return { dir, checkpoint };
}

/** Loads a checkpoint after verifying every file against its manifest; anything else is a RunFileError. */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  if (!(await exists(join(dir, MANIFEST_FILE)))) throw new RunFileError(join(dir, MANIFEST_FILE), 'missing; the checkpoint cannot be verified, so it is not used');
  const state = deserializeState(join(dir, STATE_FILE), await readVerifiedJson<LoopState>(dir, STATE_FILE));
  const artifacts = await loadArtifacts(dir);
  const decoded = tf.io.decodeWeights(artifacts.weightData as tf.io.WeightData, artifacts.weightSpecs ?? []);
  const weights = (artifacts.weightSpecs ?? []).map((spec) => decoded[spec.name]);
  const optimizer = await loadTensorList(dir, 'optimizer');
  const listed = (await readManifest(dir)).files;
  const best = listed['best.json'] === undefined ? null : (await loadTensorList(dir, 'best')).map((entry) => entry.tensor);
  return { state, weights, optimizer, best };
}
