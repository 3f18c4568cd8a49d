/** Types of the float64 reference recurrent layer (plain arrays, no tfjs). */
import type { NormSite, RecurrentLayerIR } from '../../../src/ir/types.js';

/** The settings the reference reads: the IR's recurrent-layer fields plus the call-level options of tfjs RNNs. */
export type ReferenceConfig = Pick<
  RecurrentLayerIR,
  | 'cell'
  | 'units'
  | 'activation'
  | 'recurrentActivation'
  | 'returnSequences'
  | 'bidirectional'
  | 'useBias'
  | 'forgetBias'
  | 'resetAfter'
  | 'norms'
  | 'dropout'
> & { returnState?: boolean; goBackwards?: boolean };

/** Parameters of one normalization site. Population statistics are `[maxSteps][width]` (per step) or `[1][width]` (shared). */
export interface NormParams {
  gamma: number[];
  beta: number[] | null;
  movingMean: number[][] | null;
  movingVariance: number[][] | null;
}

/** The weights of one direction, in the tfjs/Keras layout (`kernel [in][G·u]`, gates i,f,c,o / z,r,h). */
export interface DirectionWeights {
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[] | null;
  norms: Partial<Record<NormSite, NormParams>>;
}

export interface RunOptions {
  /** Batch norm uses minibatch statistics (and records them) when true, population statistics when false. */
  training: boolean;
  /** `[batch][time]`, true where the step is real data; absent means every step is valid. */
  mask?: boolean[][];
  /** `[h]` or `[h, c]` per direction, forward first, each `[batch][units]`. */
  initialState?: number[][][];
  /**
   * Weight drop's masks, one `[units][G·units]` per direction (forward first), 1 where an entry of `U` is kept
   * and 0 where dropped; required in training when `config.dropout.recurrentWeights` is set.
   */
  recurrentWeightMasks?: number[][][];
}

/** Population statistics after a training call, per direction and site. */
export type PopulationUpdate = Partial<Record<NormSite, { mean: number[][]; variance: number[][] }>>;

export interface RunResult {
  /** `[batch][time][width]` with `returnSequences`, else `[batch][width]`. */
  output: number[][][] | number[][];
  /** Final states, forward direction first (`[h, c]` for an LSTM). */
  states: number[][][];
  population: PopulationUpdate[];
}
