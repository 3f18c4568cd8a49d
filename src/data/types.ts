/** The shapes every data source produces: windows of samples as flat arrays, split three ways, plus preprocessing. */

import { readFailureReason } from '../io/system-errors.js';

/** A set of samples stored flat: `x` is `[count, steps, features]`, `y` is `[count, ...targetShape]`. */
export interface SampleSet {
  count: number;
  steps: number;
  features: number;
  /** Per-sample target shape: `[steps, units]` for a per-step head, `[units]` otherwise. */
  targetShape: number[];
  x: Float32Array;
  y: Float32Array;
  /**
   * For forecasting data whose target is also an input feature: the "tomorrow equals today" forecast, in
   * the same layout as `y`, so a model can be compared with the naive baseline. Null otherwise.
   */
  naive: Float32Array | null;
}

/** Mean and standard deviation of one CSV column, from the training split only. */
export interface ColumnStatistics {
  column: string;
  mean: number;
  std: number;
}

/** What a trained model needs to read new data the way it read its training data; saved in the run directory. */
export type Preprocessing =
  | { kind: 'none' }
  | { kind: 'standardize'; features: ColumnStatistics[]; targets: ColumnStatistics[] }
  | { kind: 'vocabulary'; characters: string[]; unknownIndex: number };

export interface PreparedData {
  train: SampleSet;
  validation: SampleSet;
  test: SampleSet;
  preprocessing: Preprocessing;
  /** A one-line description for the console ("csv co2.csv: 500 train / 60 validation / 60 test windows"). */
  summary: string;
}

/** What the model expects, so a source can shape its samples and refuse data that cannot fit. */
export interface ModelShape {
  steps: number | null;
  features: number;
  padding: number | null;
  /** The single head's width and whether it predicts at every step. */
  targetUnits: number;
  perStep: boolean;
}

/** A data error the user must fix; the message names the file and, where known, line and column. */
export class DataError extends Error {
  constructor(
    message: string,
    /**
     * True when the data file itself could not be read (missing, a folder, no permission): then the spec's
     * `source` statement that named it is the place to fix, and the trainer says where it is.
     */
    readonly unreadableFile = false,
  ) {
    super(message);
    this.name = 'DataError';
  }

  /** `cannot read data/x.csv: no such file or folder`, from the error reading it. */
  static unreadable(displayPath: string, error: unknown): DataError {
    return new DataError(`cannot read ${displayPath}: ${readFailureReason(error)}`, true);
  }
}

/** Builds an empty set with the given per-sample shape. */
export function emptySet(steps: number, features: number, targetShape: number[]): SampleSet {
  return { count: 0, steps, features, targetShape, x: new Float32Array(0), y: new Float32Array(0), naive: null };
}

/** Number of target values per sample. */
export function targetSize(set: Pick<SampleSet, 'targetShape'>): number {
  return set.targetShape.reduce((a, b) => a * b, 1);
}
