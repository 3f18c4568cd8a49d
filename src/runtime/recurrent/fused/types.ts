/** The contract between the fused sequence op (`op.ts`) and the per-cell loops written in plain JavaScript. */
import type * as tf from '@tensorflow/tfjs';

/** Gate nonlinearities the fused loops implement, by their value y (enough for the derivative). */
export type GateActivation = 'sigmoid' | 'hard_sigmoid';

export interface FusedArgs {
  steps: number;
  batch: number;
  units: number;
  /** Time-major input term `[steps·batch, G·units]`: `N_in(x·W) + b`, row `t·batch + n`. */
  input: Float32Array;
  /** `[units, G·units]` recurrent kernel (a tensor: the matmuls stay on the backend). */
  recurrentKernel: tf.Tensor;
  /** Initial states, `[batch·units]` each: `[h]` or `[h, c]`. */
  initial: Float32Array[];
  /** `[steps·batch]` validity (1 valid, 0 padding), or null. */
  mask: Float32Array | null;
  /** Whether the output of every step is returned (else only the final states). */
  keepOutputs: boolean;
  gateActivation: GateActivation;
  forgetConstant: number;
  resetAfter: boolean;
}

export interface FusedGradients {
  input: Float32Array;
  recurrentKernel: Float32Array;
  initial: Float32Array[];
}

/**
 * A cell's forward loop. `packed` is `[outputs (steps·batch rows, if kept); final states (batch rows each)]`
 * of `units` columns; `backward` maps the gradient of `packed` to the inputs' gradients, using what the
 * forward loop recorded.
 */
export interface FusedRun {
  packed: Float32Array;
  backward: (packedGradient: Float32Array) => FusedGradients;
}

export interface FusedCell {
  gates: number;
  stateCount: number;
  run(args: FusedArgs): FusedRun;
}
