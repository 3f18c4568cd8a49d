/**
 * Training in the page: the spec's model compiled by seqnet (`compileModel`, the same layers as the CLI) and
 * trained on its synthetic data with the spec's optimizer, batch size, shuffling, seed, early stopping and
 * learning-rate schedule. A smaller loop than `seqnet train`'s: no checkpoints or run directory (there is no
 * disk), and it yields to the browser after every batch so the page stays responsive and Stop is seen.
 */
import * as tf from '@tensorflow/tfjs';
import { compileModel } from '../../src/compile/model.js';
import { loadSynthetic } from '../../src/data/synthetic.js';
import { DEFAULT_LIMITS } from '../../src/data/limits.js';
import { Prng } from '../../src/data/prng.js';
import { modelShape } from '../../src/data/shape.js';
import type { SampleSet } from '../../src/data/types.js';
import type { ModelIR } from '../../src/ir/types.js';
import { seedRandom } from '../../src/runtime/random.js';
import { batchesOf, gatherBatch, wholeSet } from '../../src/train/batches.js';
import { afterEpoch, initialMonitor } from '../../src/train/monitor.js';
import { guardedOptimizer, setLearningRate } from '../../src/train/optimizer.js';

export interface EpochPoint {
  epoch: number;
  loss: number;
  /** Null without a validation split. */
  valLoss: number | null;
}

export interface TrainProgress {
  batchLoss(epoch: number, batch: number, batches: number, meanLoss: number): void;
  epochEnd(point: EpochPoint): void;
}

export type TrainStatus = 'completed' | 'early_stopping' | 'stopped' | 'diverged';

export interface PageRun {
  model: tf.LayersModel;
  status: TrainStatus;
  history: EpochPoint[];
  summary: string;
}

/** A reason the spec cannot be trained here, in one line for the page. */
export class PageTrainError extends Error {}

/** Lets the browser paint and handle clicks; a MessageChannel message is not throttled like a nested setTimeout. */
function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function syntheticData(ir: ModelIR) {
  if (ir.data === null) throw new PageTrainError(`model '${ir.name}' has no data block, so there is nothing to train it on`);
  const source = ir.data.source;
  if (source.type !== 'synthetic') {
    const what = 'path' in source ? `a ${source.type} file (${source.path})` : `the ${source.type} source`;
    throw new PageTrainError(`this spec reads ${what}; the playground trains on synthetic sources only — use 'seqnet train' for the others`);
  }
  try {
    return loadSynthetic(source, ir.data.split, ir.train.validationSplit, modelShape(ir), DEFAULT_LIMITS.sampleBytes);
  } catch (error) {
    throw new PageTrainError((error as Error).message);
  }
}

async function trainBatch(model: tf.LayersModel, set: SampleSet, indices: number[]): Promise<number> {
  const batch = gatherBatch(set, indices);
  try {
    const result = await model.trainOnBatch(batch.x, batch.y);
    return Array.isArray(result) ? result[0] : result;
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

async function validationLoss(model: tf.LayersModel, set: SampleSet, batchSize: number): Promise<number | null> {
  if (set.count === 0) return null;
  const batch = wholeSet(set);
  const result = model.evaluate(batch.x, batch.y, { batchSize });
  const first = Array.isArray(result) ? result[0] : result;
  const value = (await first.data())[0];
  tf.dispose([batch.x, batch.y, ...(Array.isArray(result) ? result : [result])]);
  return value;
}

/** Trains `ir` for `epochs` epochs (the spec's count when undefined). Aborting `signal` stops after the current batch. */
export async function trainInPage(ir: ModelIR, epochs: number, signal: AbortSignal, progress: TrainProgress): Promise<PageRun> {
  const data = syntheticData(ir);
  const train = { ...ir.train, epochs };
  seedRandom(train.seed);
  const model = compileModel(ir, { seed: train.seed });
  const optimizer = guardedOptimizer(model);
  const shuffler = new Prng(train.seed);
  const history: EpochPoint[] = [];
  let monitor = initialMonitor(train);
  let best: tf.Tensor[] | null = null;
  let status: TrainStatus | 'running' = 'running';
  for (let epoch = 1; epoch <= epochs && status === 'running'; epoch++) {
    setLearningRate(optimizer, monitor.learningRate);
    const order = train.shuffle ? shuffler.permutation(data.train.count) : Array.from({ length: data.train.count }, (_, i) => i);
    const batches = batchesOf(order, train.batchSize);
    let sum = 0;
    let seen = 0;
    for (const [index, indices] of batches.entries()) {
      const loss = await trainBatch(model, data.train, indices);
      if (!Number.isFinite(loss)) {
        status = 'diverged';
        break;
      }
      sum += loss * indices.length;
      seen += indices.length;
      progress.batchLoss(epoch, index + 1, batches.length, sum / seen);
      await yieldToBrowser();
      if (signal.aborted) {
        status = 'stopped';
        break;
      }
    }
    if (status !== 'running') break;
    const point = { epoch, loss: sum / seen, valLoss: await validationLoss(model, data.validation, train.batchSize) };
    history.push(point);
    progress.epochEnd(point);
    const decision = afterEpoch(train, monitor, epoch, point.valLoss ?? point.loss);
    monitor = decision.state;
    if (decision.improved && train.earlyStopping?.restoreBest === true) {
      tf.dispose(best ?? []);
      best = model.getWeights().map((weight) => weight.clone());
    }
    if (decision.stop) status = 'early_stopping';
  }
  if (best !== null && status !== 'stopped') model.setWeights(best);
  tf.dispose(best ?? []);
  return { model, status: status === 'running' ? 'completed' : status, history, summary: data.summary };
}
