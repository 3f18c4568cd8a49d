/**
 * One normalization site inside the fused LSTM loop, on plain arrays `[batch, width]`: the forward pass of
 * layer, RMS and batch norm (same equations as `norms/*.ts`) and its hand-written backward pass.
 *
 * With x̂ the normalized value and g = dy ⊙ γ, over each statistic's members (a group of one example for
 * layer/RMS norm, the valid examples of one column for batch norm in training):
 *   layer/batch: dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / σ;   RMS: dx = (g − x̂ ⊙ mean(g ⊙ x̂)) / rms;
 *   population statistics (batch norm at inference) are constants: dx = g / σ.
 */
import type { NormIR } from '../../../ir/types.js';
import type { FusedNormForm } from '../norms/types.js';
import { reduceBatchSums } from '../../shards.js';

export interface NormRecord {
  normalized: Float32Array;
  /** 1/σ (or 1/rms) per statistic: per example and group, or per column. */
  inverse: Float32Array;
}

/** Batch statistics of one step, for the population update. */
export interface StepStatistics {
  mean: Float32Array;
  variance: Float32Array;
  valid: number;
}

export class NormKernel {
  readonly width: number;
  /** Gate blocks of each group (layer/RMS norm); a group's columns are its blocks' `units` columns each. */
  private readonly groups: number[][];
  readonly gammaGradient: Float32Array;
  readonly betaGradient: Float32Array | null;

  constructor(
    readonly norm: NormIR,
    /** How this kind computes (its descriptor's `fused`): the kernel computes no kind it is not told. */
    private readonly form: FusedNormForm,
    groupIds: number[],
    readonly units: number,
    private readonly gamma: Float32Array,
    private readonly beta: Float32Array | null,
    /** Batch norm at inference: population rows `[rows, width]` (1 row when shared); else null. */
    private readonly population: { mean: Float32Array; variance: Float32Array } | null,
  ) {
    this.width = groupIds.length * units;
    const ids = [...new Set(groupIds)];
    this.groups = ids.map((id) => groupIds.flatMap((gid, gate) => (gid === id ? [gate] : [])));
    this.gammaGradient = new Float32Array(this.width);
    this.betaGradient = beta === null ? null : new Float32Array(this.width);
  }

  /** Normalizes `values` `[batch, width]` of step `step`; `mask` per example or null. */
  forward(values: Float32Array, step: number, mask: Float32Array | null, maskOffset: number): { output: Float32Array; record: NormRecord; statistics: StepStatistics | null } {
    const batch = values.length / this.width;
    const normalized = new Float32Array(values.length);
    let inverse: Float32Array;
    let statistics: StepStatistics | null = null;
    if (this.form.statistics === 'example') inverse = this.exampleStatistics(values, batch, normalized);
    else if (this.population !== null) inverse = this.populationStatistics(values, step, normalized);
    else ({ inverse, statistics } = this.batchStatistics(values, batch, mask, maskOffset, normalized));
    const output = new Float32Array(values.length);
    for (let row = 0; row < values.length; row += this.width) {
      for (let c = 0; c < this.width; c += 1) output[row + c] = this.gamma[c] * normalized[row + c] + (this.beta === null ? 0 : this.beta[c]);
    }
    return { output, record: { normalized, inverse }, statistics };
  }

  private exampleStatistics(values: Float32Array, batch: number, normalized: Float32Array): Float32Array {
    const inverse = new Float32Array(batch * this.groups.length);
    const centered = this.form.statistics === 'example' && this.form.subtractMean;
    const units = this.units;
    for (let n = 0; n < batch; n += 1) {
      const row = n * this.width;
      this.groups.forEach((blocks, g) => {
        const count = blocks.length * units;
        let mean = 0;
        if (centered) {
          for (const block of blocks) for (let c = row + block * units, end = c + units; c < end; c += 1) mean += values[c];
          mean /= count;
        }
        let square = 0;
        for (const block of blocks) for (let c = row + block * units, end = c + units; c < end; c += 1) square += (values[c] - mean) ** 2;
        const inv = 1 / Math.sqrt(square / count + this.norm.epsilon);
        inverse[n * this.groups.length + g] = inv;
        for (const block of blocks) for (let c = row + block * units, end = c + units; c < end; c += 1) normalized[c] = (values[c] - mean) * inv;
      });
    }
    return inverse;
  }

  private populationStatistics(values: Float32Array, step: number, normalized: Float32Array): Float32Array {
    const { mean, variance } = this.population as { mean: Float32Array; variance: Float32Array };
    const rows = mean.length / this.width;
    const offset = Math.min(step, rows - 1) * this.width;
    const inverse = new Float32Array(this.width);
    for (let c = 0; c < this.width; c += 1) inverse[c] = 1 / Math.sqrt(variance[offset + c] + this.norm.epsilon);
    for (let row = 0; row < values.length; row += this.width) {
      for (let c = 0; c < this.width; c += 1) normalized[row + c] = (values[row + c] - mean[offset + c]) * inverse[c];
    }
    return inverse;
  }

  private batchStatistics(values: Float32Array, batch: number, mask: Float32Array | null, maskOffset: number, normalized: Float32Array) {
    const weight = (n: number) => (mask === null ? 1 : mask[maskOffset + n]);
    // Sums over the batch, then their data-parallel reduction (the identity on one thread): the column sums
    // and the example count, then the squared deviations, so every shard normalizes with the whole batch's.
    const sums = new Float32Array(this.width + 1);
    for (let n = 0; n < batch; n += 1) sums[this.width] += weight(n);
    for (let n = 0; n < batch; n += 1) for (let c = 0; c < this.width; c += 1) sums[c] += weight(n) * values[n * this.width + c];
    reduceBatchSums(sums);
    const count = sums[this.width];
    const divisor = Math.max(count, 1);
    const mean = sums.slice(0, this.width);
    const variance = new Float32Array(this.width);
    for (let c = 0; c < this.width; c += 1) mean[c] /= divisor;
    for (let n = 0; n < batch; n += 1) for (let c = 0; c < this.width; c += 1) variance[c] += weight(n) * (values[n * this.width + c] - mean[c]) ** 2;
    reduceBatchSums(variance);
    const inverse = new Float32Array(this.width);
    for (let c = 0; c < this.width; c += 1) {
      variance[c] /= divisor;
      inverse[c] = 1 / Math.sqrt(variance[c] + this.norm.epsilon);
    }
    for (let row = 0; row < values.length; row += this.width) {
      for (let c = 0; c < this.width; c += 1) normalized[row + c] = (values[row + c] - mean[c]) * inverse[c];
    }
    return { inverse, statistics: { mean, variance, valid: count > 0 ? 1 : 0 } };
  }

  /** The gradient w.r.t. the input of `forward`, accumulating γ's and β's gradients. */
  backward(outputGradient: Float32Array, record: NormRecord, mask: Float32Array | null, maskOffset: number): Float32Array {
    const { normalized, inverse } = record;
    const width = this.width;
    const scaled = new Float32Array(outputGradient.length);
    for (let row = 0; row < outputGradient.length; row += width) {
      for (let c = 0; c < width; c += 1) {
        const dy = outputGradient[row + c];
        this.gammaGradient[c] += dy * normalized[row + c];
        if (this.betaGradient !== null) this.betaGradient[c] += dy;
        scaled[row + c] = dy * this.gamma[c];
      }
    }
    const batch = outputGradient.length / width;
    if (this.form.statistics === 'example') return this.exampleBackward(scaled, normalized, inverse, batch);
    if (this.population === null) return this.batchBackward(scaled, normalized, inverse, batch, mask, maskOffset);
    for (let row = 0; row < scaled.length; row += width) for (let c = 0; c < width; c += 1) scaled[row + c] *= inverse[c];
    return scaled;
  }

  private exampleBackward(scaled: Float32Array, normalized: Float32Array, inverse: Float32Array, batch: number): Float32Array {
    const input = new Float32Array(scaled.length);
    const centered = this.form.statistics === 'example' && this.form.subtractMean;
    const units = this.units;
    for (let n = 0; n < batch; n += 1) {
      const row = n * this.width;
      this.groups.forEach((blocks, g) => {
        const count = blocks.length * units;
        let meanG = 0;
        let meanGx = 0;
        for (const block of blocks) {
          for (let c = row + block * units, end = c + units; c < end; c += 1) {
            meanG += scaled[c];
            meanGx += scaled[c] * normalized[c];
          }
        }
        meanG = centered ? meanG / count : 0;
        meanGx /= count;
        const inv = inverse[n * this.groups.length + g];
        for (const block of blocks) {
          for (let c = row + block * units, end = c + units; c < end; c += 1) input[c] = inv * (scaled[c] - meanG - normalized[c] * meanGx);
        }
      });
    }
    return input;
  }

  private batchBackward(scaled: Float32Array, normalized: Float32Array, inverse: Float32Array, batch: number, mask: Float32Array | null, maskOffset: number) {
    const weight = (n: number) => (mask === null ? 1 : mask[maskOffset + n]);
    // [Σg, Σg·x̂, count] over the batch, reduced across data-parallel shards like the forward's sums.
    const sums = new Float32Array(2 * this.width + 1);
    for (let n = 0; n < batch; n += 1) sums[2 * this.width] += weight(n);
    const sumG = sums.subarray(0, this.width);
    const sumGx = sums.subarray(this.width, 2 * this.width);
    for (let row = 0; row < scaled.length; row += this.width) {
      for (let c = 0; c < this.width; c += 1) {
        sumG[c] += scaled[row + c];
        sumGx[c] += scaled[row + c] * normalized[row + c];
      }
    }
    reduceBatchSums(sums);
    const divisor = Math.max(sums[2 * this.width], 1);
    const input = new Float32Array(scaled.length);
    for (let n = 0; n < batch; n += 1) {
      const w = weight(n) / divisor;
      for (let c = 0; c < this.width; c += 1) {
        const i = n * this.width + c;
        input[i] = inverse[c] * (scaled[i] - w * sumG[c] - w * normalized[i] * sumGx[c]);
      }
    }
    return input;
  }
}
