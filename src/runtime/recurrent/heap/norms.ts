/**
 * Layer, RMS and batch norm (population statistics) at inference for the heap loop, on row-layout values
 * `[batch, width]` (width = blocks × units), each span with its own buffers. Same equations as
 * `norms/layer.ts`, `norms/rms.ts` and `norms/batch.ts`:
 *   layer: γ ⊙ (v − mean_g) / √(var_g + ε) + β      rms: γ ⊙ v / √(mean_g(v²) + ε) (+ β)
 *   batch: γ ⊙ (v − μ_t) / √(σ²_t + ε) + β = a_t ⊙ v + b_t, a_t and b_t made once per call.
 * Group means are means over the innermost axis (of the whole row, or of each block).
 *
 * The output affine can carry more than γ and β (`OutputAffine`): a bias added right after the norm and a
 * column factor (the factor 2 of tanh(x) = 2σ(2x) − 1, see `cells.ts`), folded into γ and β once per call.
 */
import type { NormKind } from '../../../ir/types.js';
import type { NormWeights } from '../norms/types.js';
import type { HeapBuffer, HeapKernels } from './heap.js';

/**
 * One norm span of one call: the normalized value, in the span's own output buffer. The value holds the
 * rows of `steps` consecutive steps from `step` on (one step inside the loop; a chunk of steps for the
 * input site, which does not depend on the recurrence).
 */
export type HeapNorm = (value: HeapBuffer, step: number) => HeapBuffer;

/** `scale ⊙ (N(v) + shift)` instead of `N(v)`; null fields are absent. */
export interface OutputAffine {
  scale: Float32Array | null;
  shift: Float32Array | null;
}

export interface HeapNormSetup {
  kernels: HeapKernels;
  weights: NormWeights;
  batch: number;
  /** Steps per value: its rows are `steps × batch`. */
  steps: number;
  units: number;
  /** Group id of each gate block of the span (see `norms/grouping.ts`). */
  groupIds: number[];
  /** First column of the span in the site's full width. */
  firstColumn: number;
  affine: OutputAffine;
}

export type HeapNormFactory = (setup: HeapNormSetup) => HeapNorm;

/** γ′ = s ⊙ γ and β′ = s ⊙ (β + shift) over the span's columns; β′ is null when it would be all zeros. */
function foldedAffine(setup: HeapNormSetup, width: number): { gamma: Float32Array; beta: Float32Array | null } {
  const { weights, firstColumn, affine } = setup;
  const slice = (values: Float32Array) => values.slice(firstColumn, firstColumn + width);
  const gamma = slice(weights.gamma.read().dataSync() as Float32Array);
  const beta = weights.beta === null ? new Float32Array(width) : slice(weights.beta.read().dataSync() as Float32Array);
  for (let c = 0; c < width; c += 1) {
    const scale = affine.scale === null ? 1 : affine.scale[c];
    gamma[c] *= scale;
    beta[c] = (beta[c] + (affine.shift === null ? 0 : affine.shift[c])) * scale;
  }
  return { gamma, beta: weights.beta === null && affine.shift === null ? null : beta };
}

/**
 * Per-group statistics of `[batch, width]` values: `average` writes each example's group means, and
 * `spread` gives a statistic in a shape that broadcasts against `shaped(value)`: `[batch, 1]` for one group,
 * `[batch, groups, 1]` against `[batch, groups, u]` for one group per block; groups of several blocks that
 * are not all of them (`gates_and_candidate`) average the block means with a small matmul and expand back.
 */
function groupStatistics(setup: HeapNormSetup, width: number) {
  const { kernels, units, groupIds } = setup;
  const batch = setup.steps * setup.batch;
  const blocks = groupIds.length;
  const groups = [...new Set(groupIds)];
  const blockwise = groups.length === blocks && blocks > 1;
  const mixed = groups.length > 1 && !blockwise;
  const averaging = new Float32Array(blocks * groups.length);
  const expansion = new Float32Array(groups.length * width);
  groupIds.forEach((id, block) => {
    const g = groups.indexOf(id);
    averaging[block * groups.length + g] = 1 / groupIds.filter((other) => other === id).length;
    expansion.fill(1, g * width + block * units, g * width + (block + 1) * units);
  });
  const blockMeans = mixed ? kernels.buffer([batch, blocks]) : null;
  const averageBlocks = mixed ? kernels.constant(averaging, [blocks, groups.length]) : null;
  const expand = mixed ? kernels.constant(expansion, [groups.length, width]) : null;
  const expanded = mixed ? kernels.buffer([batch, width]) : null;
  return {
    groups: groups.length,
    average: (out: HeapBuffer, value: HeapBuffer): HeapBuffer => {
      if (blockMeans === null || averageBlocks === null) return kernels.mean(out, value, groups.length === 1 ? width : units);
      return kernels.matMul(out, kernels.mean(blockMeans, value, units), averageBlocks);
    },
    spread: (stat: HeapBuffer): HeapBuffer => {
      if (expand !== null && expanded !== null) return kernels.matMul(expanded, stat, expand);
      return blockwise ? kernels.reshape(stat, [batch, groups.length, 1]) : stat;
    },
    shaped: (value: HeapBuffer): HeapBuffer => (blockwise ? kernels.reshape(value, [batch, groups.length, units]) : value),
  };
}

/** Layer norm (`center`) or RMS norm. */
function groupNorm(setup: HeapNormSetup, center: boolean): HeapNorm {
  const { kernels } = setup;
  const batch = setup.steps * setup.batch;
  const width = setup.groupIds.length * setup.units;
  const folded = foldedAffine(setup, width);
  const gamma = kernels.constant(folded.gamma, [1, width]);
  const beta = folded.beta === null ? null : kernels.constant(folded.beta, [1, width]);
  const epsilon = kernels.constant(Float32Array.of(setup.weights.norm.epsilon), [1, 1]);
  const statistics = groupStatistics(setup, width);
  const stat = kernels.buffer([batch, statistics.groups]);
  const inverse = kernels.buffer([batch, statistics.groups]);
  const centered = kernels.buffer([batch, width]);
  const squares = kernels.buffer([batch, width]);
  const normalized = kernels.buffer([batch, width]);
  const scaled = kernels.buffer([batch, width]);
  const output = kernels.buffer([batch, width]);
  return (value) => {
    let deviations = value;
    if (center) {
      statistics.average(stat, value);
      deviations = kernels.sub(statistics.shaped(centered), statistics.shaped(value), statistics.spread(stat));
    }
    kernels.mul(squares, deviations, deviations);
    statistics.average(stat, squares);
    kernels.rsqrt(inverse, kernels.add(inverse, stat, epsilon));
    kernels.mul(statistics.shaped(normalized), statistics.shaped(deviations), statistics.spread(inverse));
    if (beta === null) return kernels.mul(output, normalized, gamma);
    return kernels.add(output, kernels.mul(scaled, normalized, gamma), beta);
  };
}

/**
 * Population batch norm as `a_t ⊙ v + b_t` per step row (steps beyond the last row use the last); a value
 * of several steps gets each step's row by broadcasting `[steps, 1, width]` over `[steps, batch, width]`.
 */
const batch: HeapNormFactory = (setup) => {
  const { kernels, weights, firstColumn, steps } = setup;
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
    for (let c = 0; c < width; c += 1) {
      const a = gamma[c] / Math.sqrt(variance[row * fullWidth + firstColumn + c] + weights.norm.epsilon);
      factors[row * width + c] = a;
      offsets[row * width + c] = (beta === null ? 0 : beta[c]) - mean[row * fullWidth + firstColumn + c] * a;
    }
  }
  const factorRows = kernels.constant(factors, [rows, width]);
  const offsetRows = kernels.constant(offsets, [rows, width]);
  const factor = kernels.buffer([steps, 1, width]);
  const offset = kernels.buffer([steps, 1, width]);
  const scaled = kernels.buffer([steps, setup.batch, width]);
  const output = kernels.buffer([steps * setup.batch, width]);
  return (value, step) => {
    for (let s = 0; s < steps; s += 1) {
      const row = Math.min(step + s, rows - 1) * width;
      kernels.copy(factor, s * width, factorRows, row, width);
      kernels.copy(offset, s * width, offsetRows, row, width);
    }
    kernels.mul(scaled, kernels.reshape(value, [steps, setup.batch, width]), factor);
    return kernels.add(output, scaled, offset);
  };
};

/** Every kind with a heap form; a kind missing here makes the layer run its ordinary step loop instead. */
export const HEAP_NORMS: Partial<Record<NormKind, HeapNormFactory>> = {
  layer: (setup) => groupNorm(setup, true),
  rms: (setup) => groupNorm(setup, false),
  batch,
};
