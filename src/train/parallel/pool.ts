/**
 * Data-parallel training over worker threads. Each step the batch is cut into one contiguous shard per
 * worker; the workers compute their shards' gradients on replicas of the model (`worker.ts`); here the
 * gradients are added together once (each is already weighted by its shard's share of the batch, so the sum
 * is the whole batch's mean-loss gradient) and the model's own optimizer (`GuardedOptimizer`: the NaN guard,
 * clipping, then adam / sgd / rmsprop) applies them once. The model on this thread stays the one source of
 * the weights: they are broadcast before every step, and checkpoints save it as on one thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../backend/index.js';
import type { ModelIR } from '../../ir/types.js';
import { getRandomState, setRandomState } from '../../runtime/random.js';
import type { SampleSet } from '../../data/types.js';
import { gatherArrays } from '../batches.js';
import { abortReduction } from './all-reduce.js';
import { REDUCTION_CONTROL_LENGTH, type ModelRequest, type StepRequest, type WorkerReply, type WorkerRequest, type WorkerSetup } from './protocol.js';
import { setWeight, weightLayout, writeWeights, type ModelWeight, type WeightLayout } from './weights.js';

type Done = Extract<WorkerReply, { type: 'done' }>;

export interface PoolOptions {
  backend: BackendName;
  threads: number;
  /** The worker script (default: `worker.js` beside this module). */
  workerUrl?: URL;
}

export interface ModelToTrain {
  ir: ModelIR;
  seed: number;
  /** The model trained on this thread; its weights and optimizer are the ones that count. */
  model: tf.LayersModel;
}

/** The model being trained and the shared buffers of its weights and gradients. */
interface Loaded {
  model: tf.LayersModel;
  weights: readonly ModelWeight[];
  trainable: readonly ModelWeight[];
  layout: WeightLayout;
  gradientLayout: WeightLayout;
  weightView: Float32Array;
  gradientView: Float32Array;
  control: Int32Array;
}

/** The compiled worker beside this module, or null when running from TypeScript sources (no `worker.js`). */
export function defaultWorkerUrl(): URL | null {
  const url = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** One worker and its one request in flight. */
class WorkerHandle {
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.settle((pending) => pending.resolve(reply)));
    worker.on('error', (error: Error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`a training worker exited (code ${code})`)));
  }

  /** The next reply (the first one is `ready`), after posting `request` when given. */
  next(request?: WorkerRequest): Promise<WorkerReply> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (request?.type === 'step') this.worker.postMessage(request, [request.x.buffer as ArrayBuffer, request.y.buffer as ArrayBuffer]);
      else if (request !== undefined) this.worker.postMessage(request);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((pending) => pending.reject(error));
  }

  private settle(action: (pending: NonNullable<WorkerHandle['pending']>) => void): void {
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) action(pending);
  }
}

/** What a worker answered, or why it failed, as an Error. */
function expectDone(reply: WorkerReply): Done {
  if (reply.type === 'done') return reply;
  throw new Error(reply.type === 'error' ? reply.message : `unexpected reply '${reply.type}' from a training worker`);
}

/** Contiguous shards of `total` rows for `workers` workers, sizes differing by at most one; empty ones left out. */
export function shardsOf(total: number, workers: number): { offset: number; size: number }[] {
  const base = Math.floor(total / workers);
  const extra = total % workers;
  const shards: { offset: number; size: number }[] = [];
  let offset = 0;
  for (let k = 0; k < workers; k += 1) {
    const size = base + (k < extra ? 1 : 0);
    if (size > 0) shards.push({ offset, size });
    offset += size;
  }
  return shards;
}

export class ParallelTrainer {
  private loaded: Loaded | null = null;

  private constructor(private readonly handles: WorkerHandle[]) {}

  get threads(): number {
    return this.handles.length;
  }

  /** Starts `options.threads` workers and waits until each has loaded tfjs and its backend. */
  static async start(options: PoolOptions): Promise<ParallelTrainer> {
    const workerUrl = options.workerUrl ?? defaultWorkerUrl();
    if (workerUrl === null) throw new Error('the training worker is not built (run `npm run build`)');
    const handles = Array.from({ length: options.threads }, (_, index) => {
      const setup: WorkerSetup = { backend: options.backend, index };
      return new WorkerHandle(new Worker(workerUrl, { workerData: setup }));
    });
    const trainer = new ParallelTrainer(handles);
    await trainer.expectReady(handles.map((handle) => handle.next()));
    return trainer;
  }

  /** Makes every worker build a replica of `target.model` (replacing an earlier one) and train it from now on. */
  async load(target: ModelToTrain): Promise<void> {
    const { model } = target;
    const layout = weightLayout(model.weights);
    const gradientLayout = weightLayout(model.trainableWeights);
    const reductionSlotLength = slotLengthFor(layout);
    const request: ModelRequest = {
      type: 'model',
      ir: target.ir,
      seed: target.seed,
      weights: new SharedArrayBuffer(layout.length * 4),
      gradients: new SharedArrayBuffer(this.threads * gradientLayout.length * 4),
      reductionControl: new SharedArrayBuffer(REDUCTION_CONTROL_LENGTH * 4),
      reductionData: new SharedArrayBuffer(2 * this.threads * reductionSlotLength * 4),
      reductionSlotLength,
    };
    this.loaded = null;
    await this.expectReady(this.handles.map((handle) => handle.next(request)));
    this.loaded = {
      model,
      weights: model.weights,
      trainable: model.trainableWeights,
      layout,
      gradientLayout,
      weightView: new Float32Array(request.weights),
      gradientView: new Float32Array(request.gradients),
      control: new Int32Array(request.reductionControl),
    };
  }

  /** Waits for every worker's `ready`; a failure closes the pool and is thrown. */
  private async expectReady(replies: Promise<WorkerReply>[]): Promise<void> {
    try {
      for (const reply of await Promise.all(replies)) if (reply.type !== 'ready') expectDone(reply);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /**
   * One optimizer step on the samples `indices` of `set`: `trainOnBatch`'s values (loss, then metrics) for
   * the whole batch, the mean of the shards' values weighted by their sizes.
   */
  async trainBatch(set: SampleSet, indices: readonly number[]): Promise<number[]> {
    const loaded = this.loaded;
    if (loaded === null) throw new Error('ParallelTrainer.trainBatch before load');
    const total = indices.length;
    const shards = shardsOf(total, this.handles.length);
    writeWeights(loaded.weights, loaded.layout, loaded.weightView);
    const randomState = getRandomState();
    const replies = await this.runShards(
      loaded.control,
      shards.map(({ offset, size }) => ({ type: 'step', participants: shards.length, offset, size, total, randomState, ...shardSamples(set, indices.slice(offset, offset + size)) })),
    );
    applyGradients(loaded, replies);
    keepStatistics(loaded, replies[0]);
    setRandomState(replies[0].randomState);
    const values = replies[0].values.map(() => 0);
    replies.forEach((reply, k) => reply.values.forEach((value, i) => (values[i] += (value * shards[k].size) / total)));
    return values;
  }

  /** Sends each request to its worker; when one fails the others are released from the reduction too. */
  private async runShards(control: Int32Array, requests: StepRequest[]): Promise<Done[]> {
    const results = await Promise.allSettled(
      requests.map((request, k) =>
        this.handles[k].next(request).then(expectDone).catch((error: unknown) => {
          abortReduction(control);
          throw error;
        }),
      ),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    return results.map((result) => (result as PromiseFulfilledResult<Done>).value);
  }

  async close(): Promise<void> {
    if (this.loaded !== null) abortReduction(this.loaded.control);
    this.loaded = null;
    await Promise.all(this.handles.map((handle) => handle.worker.terminate()));
  }
}

/** Adds the shards' gradients (in shard order) and applies them once with the model's optimizer. */
function applyGradients(loaded: Loaded, replies: Done[]): void {
  const { offsets, sizes, shapes, length } = loaded.gradientLayout;
  const view = loaded.gradientView;
  const gradients: tf.NamedTensorMap = {};
  loaded.trainable.forEach((weight, i) => {
    if (!replies[0].hasGradient[i]) return;
    const sum = view.slice(offsets[i], offsets[i] + sizes[i]);
    for (let k = 1; k < replies.length; k += 1) {
      const start = k * length + offsets[i];
      for (let j = 0; j < sizes[i]; j += 1) sum[j] += view[start + j];
    }
    gradients[(weight.read() as tf.Variable).name] = tf.tensor(sum, shapes[i]);
  });
  try {
    (loaded.model.optimizer as tf.Optimizer).applyGradients(gradients);
  } finally {
    tf.dispose(Object.values(gradients));
  }
}

/** The population statistics worker 0 updated (every replica computed the same) become the model's. */
function keepStatistics(loaded: Loaded, reply: Done): void {
  const nonTrainable = loaded.weights.filter((weight) => !weight.trainable);
  nonTrainable.forEach((weight, i) => setWeight(weight, (reply.nonTrainable as Float32Array[])[i], weight.shape as number[]));
}

/**
 * Floats per worker slot of the batch-sum reduction: the largest is a batch-norm site's backward,
 * `[Σg, Σg·x̂, count]` over its width, and a site's width is the length of its γ, a weight of the model.
 */
function slotLengthFor(layout: WeightLayout): number {
  const widest = Math.max(1, ...layout.shapes.map((shape) => shape[shape.length - 1] ?? 1));
  return 2 * widest + 1;
}

/** The shard's inputs and targets, copied out of the sample set (the copies are transferred to the worker). */
function shardSamples(set: SampleSet, indices: readonly number[]): Pick<StepRequest, 'x' | 'xShape' | 'y' | 'yShape'> {
  return gatherArrays(set, indices);
}
