/** Splitting samples or series into train / validation / test parts in order (never shuffled across a boundary). */
import type { DataIR } from '../ir/types.js';
import type { SampleSet } from './types.js';

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

/**
 * How many of `total` items go to each part, in order. When the data block has no validation part, the
 * train block's `validation_split` fraction of the training part becomes validation.
 */
export function splitCounts(total: number, split: DataIR['split'], validationSplit: number): SplitCounts {
  let train = Math.floor(total * split.train);
  let validation = Math.floor(total * split.validation);
  const test = total - train - validation;
  if (split.validation === 0 && validationSplit > 0) {
    validation = Math.floor(train * validationSplit);
    train -= validation;
  }
  return { train, validation, test };
}

/** Samples `start … start+count−1` of a set, as a new set. */
export function sliceSet(set: SampleSet, start: number, count: number): SampleSet {
  const xSize = set.steps * set.features;
  const ySize = set.y.length / Math.max(set.count, 1);
  return {
    ...set,
    count,
    x: set.x.slice(start * xSize, (start + count) * xSize),
    y: set.y.slice(start * ySize, (start + count) * ySize),
    naive: set.naive === null ? null : set.naive.slice(start * ySize, (start + count) * ySize),
  };
}

/** Splits independent samples (synthetic, JSON Lines) in file order. */
export function splitSamples(set: SampleSet, counts: SplitCounts): { train: SampleSet; validation: SampleSet; test: SampleSet } {
  return {
    train: sliceSet(set, 0, counts.train),
    validation: sliceSet(set, counts.train, counts.validation),
    test: sliceSet(set, counts.train + counts.validation, counts.test),
  };
}
