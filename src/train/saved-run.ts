/** Opening a finished run directory: its IR, preprocessing and trained model (seqnet's layers registered). */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../runtime/index.js';
import type { DataIR, ModelIR } from '../ir/types.js';
import { compileForTraining } from '../runtime/training/index.js';
import type { Preprocessing } from '../data/index.js';
import { fileHandler, MODEL_FILE } from '../io/index.js';
import { readRunJson, RUN_FILES } from './run-dir.js';
import { TrainError } from './session.js';

export interface SavedRun {
  ir: ModelIR & { data: DataIR };
  preprocessing: Preprocessing;
  model: tf.LayersModel;
}

/** Loads the trained model of `runDir`, compiled with its losses and metrics for evaluation. */
export async function openRun(runDir: string): Promise<SavedRun> {
  try {
    await access(join(runDir, MODEL_FILE));
  } catch {
    throw new TrainError(`${runDir} has no trained model (${MODEL_FILE}); is it a finished run directory?`);
  }
  const ir = await readRunJson<ModelIR & { data: DataIR }>(runDir, RUN_FILES.ir);
  const preprocessing = await readRunJson<Preprocessing>(runDir, RUN_FILES.preprocessing);
  const model = await tf.loadLayersModel(fileHandler(runDir));
  compileForTraining(model, ir.train, ir.heads);
  return { ir, preprocessing, model };
}
