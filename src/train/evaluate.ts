/** `seqnet evaluate`: a trained run's metrics on its test split, or on another data file read the same way. */
import { resolve } from 'node:path';
import { selectBackend, type BackendName } from '../backend/index.js';
import { loadData, modelShape } from '../data/index.js';
import { evaluationBatchSize } from './batches.js';
import { openMatMulHelper } from './matmul-helper.js';
import { setMetrics } from './evaluation.js';
import { openRun } from './saved-run.js';
import { TrainError } from './errors.js';

export interface EvaluateOptions {
  /** A data file in the spec's source format; evaluated whole (no split), with the run's saved preprocessing. */
  data?: string;
  backend?: BackendName;
}

export interface Evaluation {
  /**
   * `loss`, the heads' metrics, and `naive_mse` (last-value forecast) for forecasting data, under the spec's
   * names; for standardized data also `mse_original_units`, `mae_original_units` (and `naive_mse_original_units`).
   */
  metrics: Record<string, number>;
  samples: number;
  /** What was evaluated: "the test split (…)" with the data summary `train` prints, or the file. */
  on: string;
  backendNotes: string[];
}

export async function evaluateRun(runDir: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const backend = await selectBackend(options.backend);
  const { ir, preprocessing, model } = await openRun(runDir);
  try {
    const data = structuredClone(ir.data);
    if (options.data !== undefined) {
      if (!('path' in data.source)) throw new TrainError(`--data needs a spec whose data source reads a file; this one is ${data.source.type}`);
      data.source.path = resolve(options.data);
      data.split = { train: 0, validation: 0, test: 1 };
    }
    // The train block's validation_split as in training, so the data summary reads as `train` printed it.
    const validationSplit = options.data === undefined ? ir.train.validationSplit : 0;
    const prepared = await loadData(data, { baseDir: runDir, validationSplit, shape: modelShape(ir), saved: preprocessing });
    if (prepared.test.count === 0) throw new TrainError(options.data === undefined ? `${runDir}: the spec's data has no test split` : `${options.data}: no samples`);
    const rows = Math.min(evaluationBatchSize(ir.train.batchSize), prepared.test.count);
    const helper = await openMatMulHelper({ ir, backend: backend.name, threads: 1, rows, notes: backend.notes });
    try {
      return {
        metrics: await setMetrics(model, prepared.test, ir.train.batchSize, preprocessing, helper.infer),
        samples: prepared.test.count,
        on: options.data ?? `the test split (${prepared.summary})`,
        backendNotes: helper.notes,
      };
    } finally {
      await helper.close();
    }
  } finally {
    model.dispose();
  }
}
