/**
 * What the experiments share: reading their specs, evaluating a model on part of a set, writing results, and
 * the statistics over seeds that their tables print.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { SampleSet } from '../src/data/index.js';
import { writeFileAtomic } from '../src/io/index.js';
import type { ModelIR } from '../src/ir/types.js';
import { batchesOf, gatherBatch } from '../src/train/batches.js';
import { checkSpec } from '../src/validate/index.js';

/**
 * A failure the runner reports in one line, without a stack trace: exit 1, or 2 for a file it cannot read or
 * that is not what it should be.
 */
export class ExperimentError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The spec at `path`, checked; it must be valid and declare its data. */
export async function loadExperimentSpec(path: string): Promise<ModelIR & { data: NonNullable<ModelIR['data']> }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ExperimentError(`${path}: cannot read the spec (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
  }
  const { ir, diagnostics } = checkSpec(text, path);
  if (ir === null || ir.data === null) throw new ExperimentError(`${path}: ${diagnostics.map((d) => d.message).join('; ') || 'no data block'}`);
  return ir as ModelIR & { data: NonNullable<ModelIR['data']> };
}

/**
 * The model's loss and metrics (in `model.metricsNames` order) on the samples `indices` of `set`, in inference
 * mode, averaged over the samples, evaluated batch by batch.
 */
export async function meanMetrics(model: tf.LayersModel, set: SampleSet, indices: readonly number[], batchSize: number): Promise<number[]> {
  const sums: number[] = [];
  for (const batchIndices of batchesOf(indices, batchSize)) {
    const batch = gatherBatch(set, batchIndices);
    const result = model.evaluate(batch.x, batch.y, { batchSize });
    const scalars = Array.isArray(result) ? result : [result];
    const values = await Promise.all(scalars.map(async (scalar) => (await scalar.data())[0]));
    values.forEach((value, k) => (sums[k] = (sums[k] ?? 0) + value * batch.size));
    tf.dispose([batch.x, batch.y, ...scalars]);
  }
  return sums.map((sum) => sum / indices.length);
}

/** Writes a result file whole (a stopped run never leaves half a file), creating its folder. */
export async function writeResult(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
}

export const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/** The sample standard deviation (n − 1); 0 for fewer than two values. */
export const sampleSd = (values: readonly number[]): number =>
  values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1));

export const meanAndSd = (values: readonly number[], digits = 3): string => `${mean(values).toFixed(digits)} ± ${sampleSd(values).toFixed(digits)}`;
