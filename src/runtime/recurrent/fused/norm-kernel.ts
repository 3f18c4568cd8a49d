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
  /** Columns of each group (layer/RMS norm). */
  private readonly groups: number[][];
  readonly gammaGradient: Float32Array;
  readonly betaGradient: Float32Array | null;

  constructor(
    readonly norm: NormIR,
    groupIds: number[],
    readonly units: number,
    private readonly gamma: Float32Array,
    private readonly beta: Float32Array | null,
    /** Batch norm at inference: population rows `[rows, width]` (1 row when shared); else null. */
    private readonly population: { mean: Float32Array; variance: Float32Array } | null,
  ) {
    this.width = groupIds.length * units;
    const ids = [...new Set(groupIds)];
    this.groups = ids.map((id) => groupIds.flatMap((gid, gate) => (gid === id ? Array.from({ length: units }, (_, j) => gate * units + j) : [])));
    this.gammaGradient = new Float32Array(this.width);
    this.betaGradient = beta === null ? null : new Float32Array(this.width);
  }

  /** Normalizes `values` `[batch, width]` of step `step`; `mask` per example or null. */
  forward(values: Float32Array, step: number, mask: Float32Array | null, maskOffset: number): { output: Float32Array; record: NormRecord; statistics: StepStatistics | null } {
    const batch = values.length / this.width;
    const normalized = new Float32Array(values.length);
    let inverse: Float32Array;
    let statistics: StepStatistics | null = null;
    if (this.norm.kind !== 'batch') inverse = this.exampleStatistics(values, batch, normalized);
    else if (this.population !== null) inverse = this.populationStatistics(values, step, normalized);
    else ({ inverse, statistics } = this.batchStatistics(values, batch, mask, maskOffset, normalized));
    const output = new Float32Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const column = i % this.width;
      output[i] = this.gamma[column] * normalized[i] + (this.beta === null ? 0 : this.beta[column]);
    }
    return { output, record: { normalized, inverse }, statistics };
  }

  private exampleStatistics(values: Float32Array, batch: number, normalized: Float32Array): Float32Array {
    const inverse = new Float32Array(batch * this.groups.length);
    const centered = this.norm.kind === 'layer';
    for (let n = 0; n < batch; n += 1) {
      const row = n * this.width;
      this.groups.forEach((columns, g) => {
        let mean = 0;
        if (centered) {
          for (const c of columns) mean += values[row + c];
          mean /= columns.length;
        }
        let square = 0;
        for (const c of columns) square += (values[row + c] - mean) ** 2;
        const inv = 1 / Math.sqrt(square / columns.length + this.norm.epsilon);
        inverse[n * this.groups.length + g] = inv;
        for (const c of columns) normalized[row + c] = (values[row + c] - mean) * inv;
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
    for (let i = 0; i < values.length; i += 1) normalized[i] = (values[i] - mean[offset + (i % this.width)]) * inverse[i % this.width];
    return inverse;
  }

  private batchStatistics(values: Float32Array, batch: number, mask: Float32Array | null, maskOffset: number, normalized: Float32Array) {
    const weight = (n: number) => (mask === null ? 1 : mask[maskOffset + n]);
    let count = 0;
    for (let n = 0; n < batch; n += 1) count += weight(n);
    const divisor = Math.max(count, 1);
    const mean = new Float32Array(this.width);
    const variance = new Float32Array(this.width);
    for (let n = 0; n < batch; n += 1) for (let c = 0; c < this.width; c += 1) mean[c] += weight(n) * values[n * this.width + c];
    for (let c = 0; c < this.width; c += 1) mean[c] /= divisor;
    for (let n = 0; n < batch; n += 1) for (let c = 0; c < this.width; c += 1) variance[c] += weight(n) * (values[n * this.width + c] - mean[c]) ** 2;
    const inverse = new Float32Array(this.width);
    for (let c = 0; c < this.width; c += 1) {
      variance[c] /= divisor;
      inverse[c] = 1 / Math.sqrt(variance[c] + this.norm.epsilon);
    }
    for (let i = 0; i < values.length; i += 1) normalized[i] = (values[i] - mean[i % this.width]) * inverse[i % this.width];
    return { inverse, statistics: { mean, variance, valid: count > 0 ? 1 : 0 } };
  }

  /** The gradient w.r.t. the input of `forward`, accumulating γ's and β's gradients. */
  backward(outputGradient: Float32Array, record: NormRecord, mask: Float32Array | null, maskOffset: number): Float32Array {
    const { normalized, inverse } = record;
    const scaled = new Float32Array(outputGradient.length);
    for (let i = 0; i < outputGradient.length; i += 1) {
      const column = i % this.width;
      this.gammaGradient[column] += outputGradient[i] * normalized[i];
      if (this.betaGradient !== null) this.betaGradient[column] += outputGradient[i];
      scaled[i] = outputGradient[i] * this.gamma[column];
    }
    const batch = outputGradient.length / this.width;
    if (this.norm.kind !== 'batch') return this.exampleBackward(scaled, normalized, inverse, batch);
    if (this.population !== null) return scaled.map((g, i) => g * inverse[i % this.width]);
    return this.batchBackward(scaled, normalized, inverse, batch, mask, maskOffset);
  }

  private exampleBackward(scaled: Float32Array, normalized: Float32Array, inverse: Float32Array, batch: number): Float32Array {
    const input = new Float32Array(scaled.length);
    const centered = this.norm.kind === 'layer';
    for (let n = 0; n < batch; n += 1) {
      const row = n * this.width;
      this.groups.forEach((columns, g) => {
        let meanG = 0;
        let meanGx = 0;
        for (const c of columns) {
          meanG += scaled[row + c];
          meanGx += scaled[row + c] * normalized[row + c];
        }
        meanG = centered ? meanG / columns.length : 0;
        meanGx /= columns.length;
        const inv = inverse[n * this.groups.length + g];
        for (const c of columns) input[row + c] = inv * (scaled[row + c] - meanG - normalized[row + c] * meanGx);
      });
    }
    return input;
  }

  private batchBackward(scaled: Float32Array, normalized: Float32Array, inverse: Float32Array, batch: number, mask: Float32Array | null, maskOffset: number) {
    const weight = (n: number) => (mask === null ? 1 : mask[maskOffset + n]);
    let count = 0;
    for (let n = 0; n < batch; n += 1) count += weight(n);
    const divisor = Math.max(count, 1);
    const sumG = new Float32Array(this.width);
    const sumGx = new Float32Array(this.width);
    for (let i = 0; i < scaled.length; i += 1) {
      sumG[i % this.width] += scaled[i];
      sumGx[i % this.width] += scaled[i] * normalized[i];
    }
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
