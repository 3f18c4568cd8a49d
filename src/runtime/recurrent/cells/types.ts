/** What a cell's step function receives for one call, and the shape of a cell definition. */
import type * as tf from '@tensorflow/tfjs';
import type { ActivationFn } from '../activations.js';
import type { CallDropout } from '../dropout.js';
import type { CallNorms } from '../norms/sites.js';

/** Everything a step needs that is fixed for the whole call (read once, not per step). */
export interface CellCall {
  units: number;
  recurrentKernel: tf.Tensor;
  /** `recurrentKernelᵀ`, made once per training call for the backward pass; null at inference. */
  recurrentKernelTransposed: tf.Tensor | null;
  /** `a·b`; in training with a gradient that avoids transposed matmuls (`bT` = `bᵀ` when known). */
  matMul: (a: tf.Tensor, b: tf.Tensor, bT: tf.Tensor | null) => tf.Tensor;
  /**
   * The bias, when it must be added inside the step (after a `gates` norm). Otherwise it is already part of
   * the precomputed input projection and this is null.
   */
  bias: tf.Tensor | null;
  norms: CallNorms;
  dropout: CallDropout;
  activation: ActivationFn;
  recurrentActivation: ActivationFn;
  /** LSTM: added to the forget pre-activation every step (TF1's forget_bias). */
  forgetConstant: number;
  /** GRU: reset gate on `U_h·h` (true) or on `h` before the matmul (false, tfjs). */
  resetAfter: boolean;
  /** `[batch, 1]` validity of step t (1 valid, 0 padding), for batch statistics; null without a mask. */
  stepMask: (step: number) => tf.Tensor | null;
}

/**
 * One step: the input projection of step t (`N_in(x_t·W)`, plus the bias unless `CellCall.bias` is set)
 * and the states (`[h]` or `[h, c]`) to the new states; the output is the new `h` (`states[0]`).
 */
export type StepFn = (step: number, input: tf.Tensor, states: tf.Tensor[]) => tf.Tensor[];

/** A cell's reference step (its states are the cell's facts, `src/variants/cells.ts`). */
export interface CellDefinition {
  createStep(call: CellCall): StepFn;
}
