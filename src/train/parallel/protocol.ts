/**
 * What the training thread and its data-parallel workers exchange. Bulk numbers travel in SharedArrayBuffers
 * that both sides view as float32 (weights, gradients, the batch-sum reduction); messages carry only the
 * step's shard, its samples and small values.
 */
import type { BackendName } from '../../backend/index.js';
import type { ModelIR } from '../../ir/types.js';

/** Handed to each worker when it starts (`workerData`). */
export interface WorkerSetup {
  backend: BackendName;
  /** This worker's shard index, which is also its gradient slot and its slot in the reduction. */
  index: number;
}

/** Builds (or replaces) the worker's replica of a model, and says where the shared buffers are. */
export interface ModelRequest {
  type: 'model';
  /** The model to replicate: built with `compileModel(ir, { seed })`, then given the broadcast weights. */
  ir: ModelIR;
  seed: number;
  /** Every weight of the model, in `model.weights` order, written by the training thread before each step. */
  weights: SharedArrayBuffer;
  /** One slot per worker of every trainable weight's gradient, in `model.trainableWeights` order. */
  gradients: SharedArrayBuffer;
  /** The batch-sum reduction: `REDUCTION_CONTROL_LENGTH` int32 counters, and two sets of one float32 slot per worker. */
  reductionControl: SharedArrayBuffer;
  reductionData: SharedArrayBuffer;
  reductionSlotLength: number;
}

/** One training step for one worker: its rows of the batch and where the random stream stands. */
export interface StepRequest {
  type: 'step';
  /** Workers with a non-empty shard this step (all take part in every reduction). */
  participants: number;
  offset: number;
  size: number;
  total: number;
  randomState: number;
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

export type WorkerRequest = ModelRequest | StepRequest;

export type WorkerReply =
  /** After start-up (tfjs and the backend loaded), and after each `model` request. */
  | { type: 'ready' }
  /**
   * The shard's loss and metrics (`trainOnBatch`'s values), which trainable weights got a gradient, the
   * random stream's position after the step, and, from worker 0, the non-trainable weights it updated
   * (batch-norm population statistics, computed from the whole batch's statistics) in `weights` order.
   */
  | { type: 'done'; values: number[]; hasGradient: boolean[]; randomState: number; nonTrainable: Float32Array[] | null }
  | { type: 'error'; message: string };

/** Indices into the reduction's control array. */
export const REDUCTION_ARRIVED = 0;
export const REDUCTION_GENERATION = 1;
export const REDUCTION_ABORTED = 2;
export const REDUCTION_CONTROL_LENGTH = 4;
