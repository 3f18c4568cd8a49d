/**
 * Batch-norm sites inside the heap training loop (`assembly/train-batch-norm.ts`), for any cell's phased
 * step: the `BatchSite` struct of a site's span (the whole site but where the cell's facts cut it into
 * spans, as the JavaScript loops do: the GRU's gates, and its recurrent product reset first) with its
 * recorded buffers, its forward and backward pass on one
 * step's `[batch, width]` values with the batch sums reduced across data-parallel shards between the
 * kernel's calls (`reduceBatchSums`, the identity on one thread) at the points the JavaScript kernel
 * (`../fused/norm-kernel.ts`) reduces them, and the per-step statistics for the population update.
 */
import type { NormSite } from '../../../ir/types.js';
import type { StepStatistics } from '../fused/norm-kernel.js';
import type { SiteSetup } from '../fused/types.js';
import { reduceBatchSums } from '../../shards.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { BATCH_SITE_FIELDS, writeStruct } from './structs.js';

/** One batch-normalized span of a site of a call on the heap. */
export interface HeapBatchSite {
  site: NormSite;
  /** The span's first column in the site's value (its gate block times the units). */
  firstColumn: number;
  /** The `BatchSite` struct's address. */
  struct: number;
  width: number;
  /** `[2·width + 1]`: what the kernel hands over for each reduction. */
  sums: HeapBuffer;
  /** Per step: μ and σ² `[steps, width]`, the valid count `[steps]`. */
  mean: HeapBuffer;
  variance: HeapBuffer;
  count: HeapBuffer;
}

/**
 * The struct of a batch-norm span (per-step statistics) from column `firstColumn` of a site: its γ and β
 * (null without β) columns, ε from `setup`, recording buffers for `steps` steps of `batch` examples, and the
 * addresses of its columns of the site's gradients `dGamma` and `dBeta` (0 without β).
 */
export function writeBatchSite(
  kernels: HeapKernels,
  setup: SiteSetup,
  span: { firstColumn: number; gamma: Float32Array; beta: Float32Array | null; dGamma: number; dBeta: number },
  steps: number,
  batch: number,
): HeapBatchSite {
  const width = span.gamma.length;
  const floats = (values: Float32Array | null) => (values === null ? 0 : kernels.address(kernels.constant(values.slice(), [values.length])));
  const [mean, variance, count, sums] = [kernels.buffer([steps, width]), kernels.buffer([steps, width]), kernels.buffer([steps]), kernels.buffer([2 * width + 1])];
  const struct = writeStruct(kernels, BATCH_SITE_FIELDS, {
    width,
    gamma: floats(span.gamma),
    beta: floats(span.beta),
    epsilon: setup.norm.epsilon,
    normalized: kernels.address(kernels.buffer([steps * batch, width])),
    inverse: kernels.address(kernels.buffer([steps, width])),
    ...{ mean: kernels.address(mean), variance: kernels.address(variance), count: kernels.address(count), sums: kernels.address(sums) },
    dGamma: span.dGamma,
    dBeta: span.dBeta,
  });
  return { site: setup.site, firstColumn: span.firstColumn, struct, width, sums, mean, variance, count };
}

/** The batch-norm span of `site` from column `firstColumn`, if the call has one. */
export function batchSpan(sites: readonly HeapBatchSite[], site: NormSite, firstColumn = 0): HeapBatchSite | undefined {
  return sites.find((span) => span.site === site && span.firstColumn === firstColumn);
}

/** The first `length` of the site's sums, reduced across shards in place (no allocation on the heap meanwhile). */
function reduce(kernels: HeapKernels, site: HeapBatchSite, length: number): void {
  reduceBatchSums(kernels.floats(site.sums).subarray(0, length));
}

/**
 * Step `step`'s values at address `values` normalized into `out` (may be `values`), recording what the
 * backward pass needs; rows `stride` floats apart in both (the span's width unless it is part of a wider row).
 */
export function batchNormForward(kernels: HeapKernels, train: number, site: HeapBatchSite, step: number, values: number, out: number, stride = site.width): void {
  const { cells } = kernels;
  cells.batchNormSums(train, site.struct, step, values, stride);
  reduce(kernels, site, site.width + 1);
  cells.batchNormDeviations(train, site.struct, step, values, stride);
  reduce(kernels, site, site.width);
  cells.batchNormApply(train, site.struct, step, values, out, stride);
}

/** The gradient at step `step`'s input into `dx` (may be `dy`) from its output's `dy`, accumulating dγ and dβ; rows as `batchNormForward`'s. */
export function batchNormBackward(kernels: HeapKernels, train: number, site: HeapBatchSite, step: number, dy: number, dx: number, stride = site.width): void {
  kernels.cells.batchNormGradientSums(train, site.struct, step, dy, stride);
  reduce(kernels, site, 2 * site.width + 1);
  kernels.cells.batchNormGradient(train, site.struct, step, dy, dx, stride);
}

/** Each span's batch statistics of every step, copied off the heap, as the fused op hands them to the population update. */
export function batchSiteStatistics(kernels: HeapKernels, sites: readonly HeapBatchSite[], steps: number): { site: NormSite; firstColumn: number; steps: StepStatistics[] }[] {
  return sites.map((site) => {
    const [mean, variance, count] = [kernels.floats(site.mean), kernels.floats(site.variance), kernels.floats(site.count)];
    const rows = Array.from({ length: steps }, (_, t): StepStatistics => {
      const row = (values: Float32Array) => values.slice(t * site.width, (t + 1) * site.width);
      return { mean: row(mean), variance: row(variance), valid: count[t] > 0 ? 1 : 0 };
    });
    return { site: site.site, firstColumn: site.firstColumn, steps: rows };
  });
}
