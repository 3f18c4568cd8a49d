/** Opening a finished `seqnet train` run from code: the trained model, its IR and its preprocessing. */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../runtime/index.js';
import type { Preprocessing } from '../data/types.js';
import { fileHandler, MODEL_FILE } from '../io/index.js';
import type { ModelIR } from '../ir/types.js';
import { RUN_FILES } from '../train/run-dir.js';
import { createPreprocessor, readPreprocessing, type Preprocessor } from './preprocess.js';

export interface LoadedRun {
  /** The trained model (not compiled: for `predict`; compile it yourself to `evaluate` or `fit`). */
  model: tf.LayersModel;
  /** The resolved model IR the run was trained from (`ir.json`). */
  ir: ModelIR;
  preprocessing: Preprocessing;
  /** The preprocessing as functions, with one-hot rows as wide as the model's input. */
  preprocessor: Preprocessor;
}

/** Loads `model.json`/`weights.bin`, `ir.json` and `preprocessing.json` from a run directory (`runs/NAME/N`). */
export async function loadRun(runDir: string): Promise<LoadedRun> {
  try {
    await access(join(runDir, MODEL_FILE));
  } catch {
    throw new Error(`${runDir} has no trained model (${MODEL_FILE}); is it a finished run directory?`);
  }
  const ir = await readIr(runDir);
  const preprocessing = await readPreprocessing(runDir);
  const model = await tf.loadLayersModel(fileHandler(runDir));
  return { model, ir, preprocessing, preprocessor: createPreprocessor(preprocessing, { features: ir.input.features }) };
}

async function readIr(runDir: string): Promise<ModelIR> {
  const path = join(runDir, RUN_FILES.ir);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ModelIR;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
