/**
 * Layer, RMS and batch norm (population statistics) at inference, in the column layout of the heap loop: a
 * value is `[width, batch]`, one column per example, width = blocks × units. Same equations as
 * `norms/layer.ts`, `norms/rms.ts` and `norms/batch.ts`:
 *   layer: γ ⊙ (v − mean_g) / √(var_g + ε) + β      rms: γ ⊙ v / √(mean_g(v²) + ε) (+ β)
 *   batch: γ ⊙ (v − μ_t) / √(σ²_t + ε) + β = a_t ⊙ v + b_t, a_t and b_t made once per call.
 * Group statistics are matmuls with an averaging matrix `A` `[groups, width]` (`A·v` holds every column's
 * group means), which the backend runs faster than a reduction over a non-innermost axis.
 *
 * The output affine can carry more than γ and β (`OutputAffine`): a bias added right after the norm and a
 * row factor (the factor 2 of tanh(x) = 2σ(2x) − 1, see `cells.ts`), folded into γ and β once per call.
 */
import type { NormKind } from '../../../ir/types.js';
import type { NormWeights } from '../norms/types.js';
import type { HeapOps, HeapTensor } from './heap.js';

/** One norm span of one call: normalizes a `[width, batch]` value at step `step`. */
export type ColumnNorm = (value: HeapTensor, step: number) => HeapTensor;

/** `scale ⊙ (N(v) + shift)` instead of `N(v)`; null fields are absent. */
export interface OutputAffine {
  scale: Float32Array | null;
  shift: Float32Array | null;
}

export interface ColumnNormSetup {
  ops: HeapOps;
  weights: NormWeights;
  units: number;
  /** Group id of each gate block of the span (see `norms/grouping.ts`). */
  groupIds: number[];
  /** First column of the span in the site's full width. */
  firstColumn: number;
  affine: OutputAffine;
}

export type ColumnNormFactory = (setup: ColumnNormSetup) => ColumnNorm;

/** γ′ = s ⊙ γ and β′ = s ⊙ (β + shift) over the span's rows; β′ is null when it would be all zeros. */
function foldedAffine(setup: ColumnNormSetup, width: number): { gamma: Float32Array; beta: Float32Array | null } {
  const { weights, firstColumn, affine } = setup;
  const gamma = (weights.gamma.read().dataSync() as Float32Array).slice(firstColumn, firstColumn + width);
  const hasBeta = weights.beta !== null || affine.shift !== null;
  const beta = weights.beta === null ? new Float32Array(width) : (weights.beta.read().dataSync() as Float32Array).slice(firstColumn, firstColumn + width);
  for (let r = 0; r < width; r += 1) {
    const scale = affine.scale === null ? 1 : affine.scale[r];
    gamma[r] *= scale;
    beta[r] = (beta[r] + (affine.shift === null ? 0 : affine.shift[r])) * scale;
  }
  return { gamma, beta: hasBeta ? beta : null };
}

/**
 * Group statistics of a `[width, batch]` value: `average(v)` gives each group's mean per column, and
 * `spread(stat)` lays a per-group statistic back over the value's rows (by broadcasting when the groups are
 * one or every block, else by an expansion matmul); `shaped(v)` is the value shaped to broadcast with it.
 */
function groupStatistics(setup: ColumnNormSetup, width: number) {
  const { ops, units, groupIds } = setup;
  const groups = [...new Set(groupIds)];
  const averaging = new Float32Array(groups.length * width);
  groups.forEach((group, g) => {
    const members = groupIds.filter((id) => id === group).length;
    groupIds.forEach((id, block) => {
      if (id === group) averaging.fill(1 / (members * units), g * width + block * units, g * width + (block + 1) * units);
    });
  });
  const matrix = ops.fromValues(averaging, [groups.length, width]);
  const blockwise = groups.length === groupIds.length && groups.length > 1;
  let expansion: HeapTensor | null = null;
  if (groups.length > 1 && !blockwise) {
    const values = new Float32Array(width * groups.length);
    groupIds.forEach((id, block) => {
      for (let j = 0; j < units; j += 1) values[(block * units + j) * groups.length + groups.indexOf(id)] = 1;
    });
    expansion = ops.fromValues(values, [width, groups.length]);
  }
  return {
    average: (value: HeapTensor) => ops.matMul(matrix, ops.reshape(value, [width, value.shape[value.shape.length - 1]])),
    spread: (stat: HeapTensor): HeapTensor => {
      if (expansion !== null) return ops.matMul(expansion, stat);
      return blockwise ? ops.reshape(stat, [groups.length, 1, stat.shape[1]]) : stat;
    },
    shaped: (value: HeapTensor): HeapTensor => (blockwise ? ops.reshape(value, [groups.length, units, value.shape[1]]) : value),
  };
}

/** `value` (any shape of `width·batch` elements) as `[width, batch]`, times γ′, plus β′. */
function finish(ops: HeapOps, value: HeapTensor, width: number, gamma: HeapTensor, beta: HeapTensor | null): HeapTensor {
  const scaled = ops.mul(ops.reshape(value, [width, value.shape[value.shape.length - 1]]), gamma);
  return beta === null ? scaled : ops.add(scaled, beta);
}

/** Layer norm (`center`) or RMS norm, with the span's constants on the heap. */
function groupNorm(setup: ColumnNormSetup, center: boolean): ColumnNorm {
  const { ops } = setup;
  const width = setup.groupIds.length * setup.units;
  const folded = foldedAffine(setup, width);
  const gamma = ops.fromValues(folded.gamma, [width, 1]);
  const beta = folded.beta === null ? null : ops.fromValues(folded.beta, [width, 1]);
  const statistics = groupStatistics(setup, width);
  const epsilon = ops.fromValues(Float32Array.of(setup.weights.norm.epsilon), [1, 1]);
  return (value) => {
    const shaped = statistics.shaped(value);
    const centered = center ? ops.sub(shaped, statistics.spread(statistics.average(value))) : shaped;
    const meanSquare = statistics.average(ops.mul(centered, centered));
    const inverse = statistics.spread(ops.rsqrt(ops.add(meanSquare, epsilon)));
    return finish(ops, ops.mul(centered, inverse), width, gamma, beta);
  };
}

/** Population batch norm as `a_t ⊙ v + b_t` per step row (steps beyond the last row use the last). */
const batch: ColumnNormFactory = (setup) => {
  const { ops, weights, firstColumn } = setup;
  const width = setup.groupIds.length * setup.units;
  if (weights.movingMean === null || weights.movingVariance === null) throw new Error('SeqnetRecurrent: batch norm without population statistics');
  const mean = weights.movingMean.read().dataSync() as Float32Array;
  const variance = weights.movingVariance.read().dataSync() as Float32Array;
  const fullWidth = weights.gamma.shape[0] as number;
  const rows = mean.length / fullWidth;
  const { gamma, beta } = foldedAffine(setup, width);
  const factors = new Float32Array(rows * width);
  const offsets = new Float32Array(rows * width);
  for (let row = 0; row < rows; row += 1) {
    for (let r = 0; r < width; r += 1) {
      const a = gamma[r] / Math.sqrt(variance[row * fullWidth + firstColumn + r] + weights.norm.epsilon);
      factors[row * width + r] = a;
      offsets[row * width + r] = (beta === null ? 0 : beta[r]) - mean[row * fullWidth + firstColumn + r] * a;
    }
  }
  const factorRows = ops.fromValues(factors, [rows, width, 1]);
  const offsetRows = ops.fromValues(offsets, [rows, width, 1]);
  return (value, step) => {
    const row = Math.min(step, rows - 1) * width;
    return ops.add(ops.mul(value, ops.view(factorRows, row, [width, 1])), ops.view(offsetRows, row, [width, 1]));
  };
};

/** Every kind with a column form; a kind missing here makes the layer run its ordinary step loop instead. */
export const COLUMN_NORMS: Partial<Record<NormKind, ColumnNormFactory>> = {
  layer: (setup) => groupNorm(setup, true),
  rms: (setup) => groupNorm(setup, false),
  batch,
};
