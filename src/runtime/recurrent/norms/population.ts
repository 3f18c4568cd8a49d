/**
 * Collects batch statistics during a training call and folds them into the population statistics of batch
 * norm sites afterwards (exponential moving average), as tfjs's BatchNormalization does after its forward.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormSite } from '../../../ir/types.js';
import type { NormWeights } from './types.js';

interface StepPiece {
  firstColumn: number;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

/** The statistics of every step of a call at once, for columns from `firstColumn` (the fused op's). */
interface StepsBlock {
  firstColumn: number;
  /** `[steps, width]` each. */
  mean: tf.Tensor;
  variance: tf.Tensor;
  /** `[steps]`: 1 where a step had at least one valid example. */
  valid: tf.Tensor;
}

interface SiteRecord {
  /** Per step, the column pieces of that step's statistics (several when a site is applied in spans). */
  steps: Map<number, StepPiece[]>;
  /** Or all steps at once, one block per span. */
  blocks: StepsBlock[];
  /** 1 where a step had at least one valid example, per step. */
  valid: Map<number, tf.Tensor>;
  /** Statistics shared by the whole sequence, `[width]`. */
  sequence: { mean: tf.Tensor; variance: tf.Tensor; valid: tf.Tensor } | null;
}

export class PopulationRecorder {
  private readonly sites = new Map<NormSite, SiteRecord>();

  private site(site: NormSite): SiteRecord {
    let record = this.sites.get(site);
    if (record === undefined) {
      record = { steps: new Map(), blocks: [], valid: new Map(), sequence: null };
      this.sites.set(site, record);
    }
    return record;
  }

  /** Statistics `[width]` of one step's columns starting at `firstColumn`; `valid` a scalar 0/1. */
  recordStep(site: NormSite, step: number, firstColumn: number, mean: tf.Tensor, variance: tf.Tensor, valid: tf.Tensor): void {
    const record = this.site(site);
    const pieces = record.steps.get(step) ?? [];
    pieces.push({ firstColumn, mean, variance });
    record.steps.set(step, pieces);
    record.valid.set(step, valid);
  }

  /**
   * Every step's statistics at once, `[steps, width]` for the columns from `firstColumn`, `valid` `[steps]`:
   * as `recordStep` for each step, in three tensors instead of three per step.
   */
  recordSteps(site: NormSite, firstColumn: number, mean: tf.Tensor, variance: tf.Tensor, valid: tf.Tensor): void {
    this.site(site).blocks.push({ firstColumn, mean, variance, valid });
  }

  /** Statistics over batch and time `[width]`; `valid` a scalar 0/1. */
  recordSequence(site: NormSite, mean: tf.Tensor, variance: tf.Tensor, valid: tf.Tensor): void {
    this.site(site).sequence = { mean, variance, valid };
  }

  /** Writes `pop ← momentum·pop + (1 − momentum)·batch` into every recorded site's moving statistics. */
  update(weights: readonly NormWeights[]): void {
    for (const site of weights) {
      const record = this.sites.get(site.site);
      if (record === undefined || site.movingMean === null || site.movingVariance === null || site.norm.batch === null) continue;
      const batch = record.sequence ?? joinBlocks(record) ?? stackSteps(record);
      if (batch === null) continue;
      const momentum = site.norm.batch.momentum;
      site.movingMean.write(movingAverage(site.movingMean.read(), batch.mean, batch.valid, momentum));
      site.movingVariance.write(movingAverage(site.movingVariance.read(), batch.variance, batch.valid, momentum));
    }
  }
}

/** The blocks of all steps side by side in column order, as `stackSteps` gives them; null without blocks. */
function joinBlocks(record: SiteRecord): { mean: tf.Tensor; variance: tf.Tensor; valid: tf.Tensor } | null {
  if (record.blocks.length === 0) return null;
  const blocks = [...record.blocks].sort((a, b) => a.firstColumn - b.firstColumn);
  const join = (pick: (block: StepsBlock) => tf.Tensor) => (blocks.length === 1 ? pick(blocks[0]) : tf.concat(blocks.map(pick), 1));
  return { mean: join((block) => block.mean), variance: join((block) => block.variance), valid: blocks[0].valid };
}

/** The per-step records as `[steps, width]` tensors, in step order; null when nothing was recorded. */
function stackSteps(record: SiteRecord): { mean: tf.Tensor; variance: tf.Tensor; valid: tf.Tensor } | null {
  const steps = [...record.steps.keys()].sort((a, b) => a - b);
  if (steps.length === 0) return null;
  const row = (step: number, pick: (piece: StepPiece) => tf.Tensor): tf.Tensor => {
    const pieces = [...(record.steps.get(step) as StepPiece[])].sort((a, b) => a.firstColumn - b.firstColumn);
    return pieces.length === 1 ? pick(pieces[0]) : tf.concat(pieces.map(pick));
  };
  return {
    mean: tf.stack(steps.map((step) => row(step, (piece) => piece.mean))),
    variance: tf.stack(steps.map((step) => row(step, (piece) => piece.variance))),
    valid: tf.stack(steps.map((step) => record.valid.get(step) as tf.Tensor)),
  };
}

/**
 * The moving average of `population` toward `batch`. Per-step statistics (rank 2) cover the first rows only
 * (steps beyond `maxSteps` are not recorded, rows beyond the batch's length stay); steps without any valid
 * example leave their row unchanged.
 */
function movingAverage(population: tf.Tensor, batch: tf.Tensor, valid: tf.Tensor, momentum: number): tf.Tensor {
  return tf.tidy(() => {
    const rows = batch.rank === 2 ? Math.min(batch.shape[0], population.shape[0]) : 0;
    const weight = tf.mul(batch.rank === 2 ? tf.reshape(valid.slice(0, rows), [rows, 1]) : valid, 1 - momentum);
    if (batch.rank !== 2) return tf.add(population, tf.mul(weight, tf.sub(batch, population)));
    const head = population.slice(0, rows);
    const updated = tf.add(head, tf.mul(weight, tf.sub(batch.slice(0, rows), head)));
    return rows === population.shape[0] ? updated : tf.concat([updated, population.slice(rows)]);
  });
}
