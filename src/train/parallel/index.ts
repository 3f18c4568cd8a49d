/**
 * Data-parallel training for `seqnet train`: the thread count, and the workers started for it. The workers
 * load tfjs while this thread reads the data and builds the model; `ready` then gives them the model.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../backend/index.js';
import type { ModelIR } from '../../ir/types.js';
import { TrainError } from '../errors.js';
import { defaultWorkerUrl, ParallelTrainer } from './pool.js';
import { chooseThreads, type ThreadChoice } from './threads.js';

export { ParallelTrainer } from './pool.js';
export { chooseThreads, largestRecurrentProduct, MAX_THREADS, type ThreadChoice } from './threads.js';

export interface TrainingThreads {
  choice: ThreadChoice;
  /** The backend lines with the thread count appended to the one naming the backend that runs. */
  notes: string[];
  /** The workers with a replica of `model`, or null on one thread. */
  ready(ir: ModelIR, seed: number, model: tf.LayersModel): Promise<ParallelTrainer | null>;
  /** Stops the workers (if any); safe to call more than once, and when `ready` was never called. */
  close(): Promise<void>;
}

export function startThreads(options: { ir: ModelIR; backend: BackendName; backendNotes: string[]; requested?: number; customBuilder: boolean }): TrainingThreads {
  const workerUrl = defaultWorkerUrl();
  const choice = chooseThreads({ ir: options.ir, backend: options.backend, requested: options.requested, customBuilder: options.customBuilder, workerAvailable: workerUrl !== null });
  const suffix = ` · ${choice.threads} thread${choice.threads === 1 ? '' : 's'}`;
  const notes = options.backendNotes.map((line) => (line.startsWith('backend: ') ? `${line}${suffix}` : line));
  if (choice.note !== null) notes.push(choice.note);
  let started: Promise<ParallelTrainer> | null = null;
  if (choice.threads > 1 && workerUrl !== null) {
    started = ParallelTrainer.start({ backend: options.backend, threads: choice.threads, workerUrl });
    // Awaited in `ready`; a failure before then (bad data, say) must not surface as an unhandled rejection.
    started.catch(() => undefined);
  }
  return {
    choice,
    notes,
    async ready(ir, seed, model) {
      if (started === null) return null;
      let trainer: ParallelTrainer;
      try {
        trainer = await started;
        await trainer.load({ ir, seed, model });
      } catch (error) {
        throw new TrainError(`the training worker threads failed to start (${error instanceof Error ? error.message : String(error)}); use --threads 1`);
      }
      return trainer;
    },
    async close() {
      const pending = started;
      started = null;
      if (pending !== null) await pending.then((trainer) => trainer.close(), () => undefined);
    },
  };
}
