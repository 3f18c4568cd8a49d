/**
 * The JSON form of a spec (`.seqnet.json`): what a `.seqnet` file means before defaults are applied. Field
 * names are the language's keywords; every optional field is defaulted during lowering (src/ir/defaults.ts).
 * These types describe a document that passed the JSON Schema (src/validate/schema.ts). They live with the IR
 * because lowering reads them; the validator, a later stage, produces and checks documents of this form.
 */
import type { ImageOrder, MnistSize } from './image-sources.js';
import type { TextFormat } from './text-sources.js';
import type { Activation, CellKind, HeadPosition, LossName, MetricName, NormGroups, NormKind, NormSite, SyntheticTask } from './types.js';
import type { DROPOUT_FACTS, DropoutForm, DropoutMask } from '../variants/index.js';

export type MaskJson = DropoutMask;

/** Parameters shared by `norm` statements inside a cell (explicit sites and preset overrides). */
export interface NormParamsJson {
  epsilon?: number;
  gamma?: number;
  beta?: number | 'none';
  groups?: NormGroups;
  carry?: boolean;
  statistics?: 'per_step' | 'shared';
  max_steps?: number;
  momentum?: number;
}

/** `norm PRESET { … }` or `norm KIND at SITE… { … }`. */
export interface CellNormJson extends NormParamsJson {
  preset?: string;
  kind?: NormKind;
  sites?: NormSite[];
}

/** One dropout form's settings: a rate, and a mask lifetime where the form takes one (`DROPOUT_FACTS`). */
export type DropoutFormJson<F extends DropoutForm> = (typeof DROPOUT_FACTS)[F]['defaultMask'] extends null ? { rate: number } : { rate: number; mask?: MaskJson };

/** `dropout FORM RATE [MASK]` statements inside a recurrent layer, by form. */
export type DropoutJson = { [F in DropoutForm]?: DropoutFormJson<F> };

export interface RecurrentJson {
  type: CellKind;
  units: number;
  repeat?: number;
  name?: string;
  activation?: Activation;
  recurrent_activation?: Activation;
  sequences?: boolean;
  bidirectional?: boolean | 'concat' | 'sum' | 'mul' | 'ave';
  residual?: boolean;
  bias?: boolean;
  forget_bias?: { value: number; mode?: 'init' | 'constant' };
  reset?: 'before' | 'after';
  initializer?: { kernel?: string; recurrent?: string };
  norm?: CellNormJson[];
  dropout?: DropoutJson;
  zoneout?: { cell?: number; hidden?: number };
  /** `initial_noise hidden|cell STD`: the standard deviation of the Gaussian noise on `h_0` / `c_0` in training. */
  initial_noise?: { cell?: number; hidden?: number };
}

export interface NormLayerJson {
  type: 'norm';
  kind: NormKind;
  name?: string;
  epsilon?: number;
  momentum?: number;
  gamma?: number;
  beta?: number | 'none';
}

export interface DropoutLayerJson {
  type: 'dropout';
  rate: number;
  mask?: MaskJson;
  name?: string;
}

export interface DenseJson {
  type: 'dense';
  units: number;
  activation?: Activation;
  name?: string;
}

export type BodyItemJson = RecurrentJson | NormLayerJson | DropoutLayerJson | DenseJson;

export interface HeadJson {
  name: string;
  units: number;
  activation?: Activation;
  at?: HeadPosition;
  loss?: LossName;
  weight?: number;
  metrics?: MetricName[];
}

export type OptimizerJson =
  | { type: 'adam'; learning_rate?: number; beta1?: number; beta2?: number; epsilon?: number }
  | { type: 'sgd'; learning_rate?: number; momentum?: number; nesterov?: boolean }
  | { type: 'rmsprop'; learning_rate?: number; decay?: number; momentum?: number; epsilon?: number };

export type ScheduleJson =
  | { type: 'step'; every: number; factor?: number }
  | { type: 'plateau'; patience?: number; factor?: number; min_learning_rate?: number };

export interface TrainJson {
  loss?: LossName;
  metrics?: MetricName[];
  optimizer?: OptimizerJson;
  clip?: { norm?: number; value?: number };
  batch_size?: number;
  epochs?: number;
  validation_split?: number;
  early_stopping?: { patience?: number; min_delta?: number; restore_best?: boolean };
  schedule?: ScheduleJson;
  seed?: number;
  shuffle?: boolean;
}

export type SourceJson =
  | { type: 'synthetic'; task: SyntheticTask; samples?: number; steps?: number; seed?: number }
  | {
      type: 'csv';
      path: string;
      features: string[];
      targets: string[];
      window?: number;
      horizon?: number;
      stride?: number;
      standardize?: boolean;
      delimiter?: string;
    }
  | { type: 'jsonl'; path: string }
  | { type: 'text'; path: string; window?: number; stride?: number; format?: TextFormat; seed?: number }
  | { type: 'mnist'; size?: MnistSize; order?: ImageOrder; permute?: number; samples?: number; seed?: number };

export interface DataJson {
  source: SourceJson;
  split?: { train: number; validation: number; test: number };
}

export interface InputJson {
  steps: number | 'variable';
  features: number;
  padding?: number;
}

export interface SpecJson {
  seqnet: number;
  model: string;
  description?: string;
  input: InputJson;
  body?: BodyItemJson[];
  heads: HeadJson[];
  train?: TrainJson;
  data?: DataJson;
}
