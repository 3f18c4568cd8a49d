/** The contract between the fused sequence op (`op.ts`) and the per-cell loops written in plain JavaScript. */
import type * as tf from '@tensorflow/tfjs';
import type { NormIR, NormSite } from '../../../ir/types.js';
import type { StepStatistics } from './norm-kernel.js';
import type { FusedNormForm } from '../norms/types.js';

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
  /** Whether a backward pass may follow (training): only then is each step's intermediate kept. */
  record: boolean;
  gateActivation: GateActivation;
  forgetConstant: number;
  resetAfter: boolean;
  /** Variational recurrent dropout: the `[batch·units]` mask on `h_{t−1}` entering `h·U` (same every step), or null. */
  recurrentMask: Float32Array | null;
  /**
   * Per-step dropout forms: candidate dropout and the zoneout masks of c (LSTM) and h, each
   * `[steps·batch·units]` (per step), `[batch·units]` (one for the sequence) or `[1]` (zoneout's probability
   * at inference); null where off. See `factorAt`.
   */
  stepMasks: { candidate: Float32Array | null; zoneoutCell: Float32Array | null; zoneoutHidden: Float32Array | null };
  /** Norms inside the loop (empty for the plain cells). */
  sites: SiteSetup[];
  /** Values of the op's extra parameters: the bias (if the loop adds it), then γ (and β) of each site. */
  params: Float32Array[];
}

/** A norm site computed inside the fused loop. */
export interface SiteSetup {
  site: NormSite;
  norm: NormIR;
  /** How the norm kernel computes the site's kind. */
  form: FusedNormForm;
  /** Group id of each gate block (see `norms/grouping.ts`). */
  groupIds: number[];
  /** Batch norm at inference: the population statistics; null otherwise. */
  population: { mean: Float32Array; variance: Float32Array } | null;
}

export interface FusedGradients {
  input: Float32Array;
  recurrentKernel: Float32Array;
  initial: Float32Array[];
  /** In the order of `FusedArgs.params`. */
  params: Float32Array[];
}

/**
 * A cell's forward loop. `packed` is `[outputs (steps·batch rows, if kept); final states (batch rows each)]`
 * of `units` columns; `backward` maps the gradient of `packed` to the inputs' gradients, using what the
 * forward loop recorded.
 */
export interface FusedRun {
  packed: Float32Array;
  backward: (packedGradient: Float32Array) => FusedGradients;
  /** Batch norm sites in training: each step's batch statistics, for the population update. */
  statistics: { site: NormSite; firstColumn: number; steps: StepStatistics[] }[];
}

/** A cell's loop in the fused op; its states and gate blocks are the cell's facts (`src/variants/cells.ts`). */
export interface FusedCell {
  run(args: FusedArgs): FusedRun;
}
