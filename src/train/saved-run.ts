/** Opening a finished run directory: its IR, preprocessing and trained model (seqnet's layers registered). */
import * as tf from '@tensorflow/tfjs';
import '../runtime/index.js';
import type { DataIR, ModelIR } from '../ir/types.js';
import { compileForTraining } from '../runtime/training/index.js';
import type { Preprocessing } from '../data/index.js';
import { fileHandler, MODEL_FILE, removeStaleTemporaries, RunFileError } from '../io/index.js';
import { isFinished, readRunInfo, readRunIr, readRunJson, RUN_FILES, unfinishedState } from './run-dir.js';
import { TrainError } from './errors.js';

export interface SavedRun {
  ir: ModelIR & { data: DataIR };
  preprocessing: Preprocessing;
  model: tf.LayersModel;
}

/**
 * Loads the trained model of `runDir`, compiled with its losses and metrics for evaluation. Every file is
 * verified against the run's manifest first; a run whose training has not finished is refused with what to do.
 */
export async function openRun(runDir: string): Promise<SavedRun> {
  const info = await readRunInfo(runDir);
  // Leftovers of a killed writer (never those of a live one) are of no use to anyone.
  await removeStaleTemporaries(runDir);
  if (!isFinished(info)) throw new TrainError(`${runDir} has no trained model (${MODEL_FILE}): the run ${unfinishedState(runDir, info).description}`);
  const ir = await readRunIr(runDir);
  const preprocessing = await readRunJson<Preprocessing>(runDir, RUN_FILES.preprocessing);
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(fileHandler(runDir));
  } catch (error) {
    if (error instanceof RunFileError) throw error;
    throw new RunFileError(`${runDir}/${MODEL_FILE}`, `does not load as a model (${(error as Error).message})`);
  }
  compileForTraining(model, ir.train, ir.heads);
  return { ir, preprocessing, model };
}
