/**
 * `seqnet predict`: runs a trained model on new inputs. CSV in → CSV out (one forecast per window, the saved
 * standardization applied to the inputs and undone on the outputs); JSON Lines in → JSON Lines out.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName, type SelectedBackend } from '../backend/index.js';
import {
  checkFileBytes,
  checkSampleBytes,
  DataError,
  DEFAULT_LIMITS,
  modelShape,
  padSamples,
  parseJsonl,
  readNumericCsv,
  unstandardize,
  type Preprocessing,
} from '../data/index.js';
import type { ModelIR } from '../ir/types.js';
import { openRun } from './saved-run.js';
import { predictInBatches } from './batches.js';
import { openMatMulHelper } from './matmul-helper.js';
import { TrainError } from './errors.js';

export interface PredictOptions {
  input: string;
  backend?: BackendName;
}

export interface Prediction {
  /** The output file's text (CSV or JSON Lines, matching the input). */
  text: string;
  format: 'csv' | 'jsonl';
  rows: number;
  /** The backend lines (`+ matmul helper` when the helper ran), for the console. */
  backendNotes: string[];
}

/** Samples per batch when predicting. */
const PREDICT_BATCH = 256;

/** The run's model, its IR and preprocessing, and the backend it runs on. */
interface Predictor {
  model: tf.LayersModel;
  ir: ModelIR;
  preprocessing: Preprocessing;
  backend: SelectedBackend;
}

type Outputs = { values: number[][] | number[][][]; backendNotes: string[] };

export async function predictRun(runDir: string, options: PredictOptions): Promise<Prediction> {
  const backend = await selectBackend(options.backend);
  const { ir, preprocessing, model } = await openRun(runDir);
  const predictor: Predictor = { model, ir, preprocessing, backend };
  try {
    if (options.input.endsWith('.csv')) return await predictCsv(predictor, options.input);
    if (options.input.endsWith('.jsonl') || options.input.endsWith('.ndjson')) return await predictJsonl(predictor, options.input);
    throw new TrainError(`${options.input}: predict reads .csv or .jsonl files`);
  } finally {
    model.dispose();
  }
}

/**
 * Runs the model over `[n, steps, features]` inputs in batches, with the matmul helper where it pays (each
 * batch one of its inference units); returns the outputs as nested arrays.
 */
async function runModel({ model, ir, backend }: Predictor, x: Float32Array, [count, steps, features]: [number, number, number]): Promise<Outputs> {
  const helper = await openMatMulHelper({ ir, backend: backend.name, threads: 1, rows: Math.min(PREDICT_BATCH, count), notes: backend.notes });
  try {
    const values = tf.tidy(() => {
      const output = predictInBatches(model, tf.tensor3d(x, [count, steps, features]), PREDICT_BATCH, helper.infer);
      return output.arraySync() as number[][] | number[][][];
    });
    return { values, backendNotes: helper.notes };
  } finally {
    await helper.close();
  }
}

async function predictCsv(predictor: Predictor, path: string): Promise<Prediction> {
  const { ir, preprocessing } = predictor;
  const source = ir.data?.source;
  if (source?.type !== 'csv') throw new TrainError(`${path}: this model was not trained on CSV data; give a .jsonl file`);
  const table = await readNumericCsv(path, path, source.features, source.delimiter);
  if (table.rows < source.window) throw new DataError(`${path}: ${table.rows} rows, fewer than the window of ${source.window}`);
  const stats = preprocessing.kind === 'standardize' ? preprocessing : null;
  const columns = source.features.map((name, f) => {
    const values = table.columns.get(name) as Float64Array;
    return stats === null ? values : values.map((value) => (value - stats.features[f].mean) / stats.features[f].std);
  });
  const count = table.rows - source.window + 1;
  const targets = (ir.heads[0].at === 'each_step' ? source.window : 1) * source.targets.length;
  checkSampleBytes(path, { windows: count, steps: source.window, features: columns.length, targetValues: targets }, DEFAULT_LIMITS.sampleBytes, 'predict from fewer rows (the last ones you need)');
  const x = new Float32Array(count * source.window * columns.length);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < source.window; s++) columns.forEach((column, f) => (x[(i * source.window + s) * columns.length + f] = column[i + s]));
  }
  const { values: outputs, backendNotes } = await runModel(predictor, x, [count, source.window, columns.length]);
  const perStep = ir.heads[0].at === 'each_step';
  const lines = [['input_row', 'target_row', ...source.targets].join(',')];
  outputs.forEach((output, i) => {
    // A per-step head's forecast from the whole window is its last step's output.
    const values = (perStep ? (output as number[][])[source.window - 1] : (output as number[])).map((value, u) =>
      stats === null ? value : unstandardize(value, stats.targets[u]),
    );
    // Rows are 1-based data rows (the header is not counted).
    const last = i + source.window;
    lines.push([last, last + source.horizon, ...values.map((value) => Number(value.toPrecision(7)))].join(','));
  });
  return { text: `${lines.join('\n')}\n`, format: 'csv', rows: count, backendNotes };
}

async function predictJsonl(predictor: Predictor, path: string): Promise<Prediction> {
  const { ir, preprocessing } = predictor;
  await checkFileBytes(path, path, DEFAULT_LIMITS.jsonlFileBytes, 'JSON Lines');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const shape = modelShape(ir);
  const samples = parseJsonl(text, path, shape, false);
  // A model trained on standardized CSV columns reads and writes standardized values; JSON Lines carry raw
  // ones. Standardize before padding, so padded steps keep the padding value the model masks.
  const stats = preprocessing.kind === 'standardize' ? preprocessing : null;
  if (stats !== null) {
    for (const sample of samples) sample.x = sample.x.map((step) => step.map((value, f) => (value - stats.features[f].mean) / stats.features[f].std));
  }
  const set = padSamples(samples, shape, path);
  const { values: outputs, backendNotes } = await runModel(predictor, set.x, [set.count, set.steps, set.features]);
  const raw = (values: number[]): number[] => (stats === null ? values : values.map((value, u) => unstandardize(value, stats.targets[u])));
  const lines = outputs.map((output, i) => {
    // Per-step outputs of padded steps are meaningless; keep the sample's own steps only.
    const y = shape.perStep ? (output as number[][]).slice(0, samples[i].x.length).map(raw) : raw(output as number[]);
    return JSON.stringify({ y });
  });
  return { text: `${lines.join('\n')}\n`, format: 'jsonl', rows: lines.length, backendNotes };
}
