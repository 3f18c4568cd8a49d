/**
 * The norm sites inside a heap training loop (`training.ts`), written once per call for the kernels: per
 * span of each site (the cell's facts cut a site into spans of gate blocks, `siteSpans`: the GRU's gates,
 * and its recurrent product with the reset gate first, are [z, r] then h) a `Site` struct of
 * `assembly/train-norm.ts` (its `Norm` with the span's γ and β, the buffers recording x̂ and 1/σ, and the
 * span's columns of the site's zeroed γ and β gradients), as the JS loops cut them (`../fused/gru-norms.ts`);
 * and a batch-norm span's `BatchSite` (`batch-sites.ts`), cut the same way, for the loops that declare batch
 * statistics (`HeapTrainingCell.normStatistics`) to run between their step's phases.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CellKind } from '../../../variants/index.js';
import { siteSpans } from '../../../variants/index.js';
import type { NormSite } from '../../../ir/types.js';
import { batchSpan, writeBatchSite } from './batch-sites.js';
import type { HeapBatchSite } from './batch-sites.js';
import type { HeapBuffer } from './heap.js';
import { writeForm } from './norms.js';
import { SITE_FIELDS, writeStruct } from './structs.js';
import type { Recording } from './training.js';

export interface LoopSiteStructs {
  /** The `Site` struct of the span of `site` that starts at gate block `first`, or 0 where it has no norm. */
  span(site: NormSite, first?: number): number;
  /** The bias `b` the loop adds after the norms, and its gradient, or 0 (then it was added before the op). */
  bias: number;
  dBias: number;
  /** The batch-norm spans, in the order of the sites and their spans (written apart from the `Site` structs). */
  batch: HeapBatchSite[];
  /** `[batch, G·u]`: N_in(P_t) under an input batch norm (P itself is the op's input, left alone), else null. */
  normalizedInput: HeapBuffer | null;
  /** In the order of `FusedCall.params`: the bias's (when the loop adds it), then γ's (and β's) of each site. */
  gradients: HeapBuffer[];
}

/** The sites' structs of a call of `cell`, from `FusedCall.sites` and `.params` (each site's statistics among those its loop declares). */
export function writeLoopSites(r: Recording, cell: CellKind): LoopSiteStructs {
  const { kernels, call, units } = r;
  const zeros = (tensor: tf.Tensor) => kernels.constant(new Float32Array(tensor.size), [...tensor.shape]);
  const hasBias = call.params.length > call.sites.reduce((count, setup) => count + (setup.norm.center ? 2 : 1), 0);
  const gradients: HeapBuffer[] = hasBias ? [zeros(call.params[0])] : [];
  const spans = new Map<string, number>();
  const batchSpans: HeapBatchSite[] = [];
  let next = hasBias ? 1 : 0;
  for (const setup of call.sites) {
    const gamma = call.params[next++];
    const beta = setup.norm.center ? call.params[next++] : null;
    if (!(call.heapTraining?.normStatistics.includes(setup.form.statistics) ?? false)) {
      throw new Error(`SeqnetRecurrent: the ${cell} heap training loop does not normalize with ${setup.form.statistics} statistics`);
    }
    const [dGamma, dBeta] = [zeros(gamma), beta === null ? null : zeros(beta)];
    gradients.push(dGamma, ...(dBeta === null ? [] : [dBeta]));
    const parameters = { gamma: gamma.dataSync() as Float32Array, beta: beta === null ? null : (beta.dataSync() as Float32Array), dGamma, dBeta };
    // Cut as the JS loops cut it (`../fused/gru-norms.ts`): a batch norm's statistics are per column, but each
    // span's sums are reduced across shards on their own, and its statistics handed back on their own.
    for (const { first, count } of siteSpans(cell, setup.site, call.resetAfter)) {
      const [start, end] = [first * units, (first + count) * units];
      if (setup.form.statistics === 'batch') {
        const columns = { gamma: parameters.gamma.subarray(start, end), beta: parameters.beta?.subarray(start, end) ?? null };
        const gradientAddresses = { dGamma: kernels.address(dGamma, start), dBeta: dBeta === null ? 0 : kernels.address(dBeta, start) };
        batchSpans.push(writeBatchSite(kernels, setup, { firstColumn: start, ...columns, ...gradientAddresses }, r.steps, r.batch));
        continue;
      }
      spans.set(`${setup.site} ${first}`, writeSpan(r, setup.form.subtractMean, setup.norm.epsilon, setup.groupIds.slice(first, first + count), start, parameters));
    }
  }
  return {
    span: (site, first = 0) => spans.get(`${site} ${first}`) ?? 0,
    bias: hasBias ? kernels.address(kernels.tensor(call.params[0])) : 0,
    dBias: hasBias ? kernels.address(gradients[0]) : 0,
    batch: batchSpans,
    normalizedInput: batchSpan(batchSpans, 'input') === undefined ? null : kernels.buffer([r.batch, r.input.shape[1]]),
    gradients,
  };
}

/** One span's `Site` struct: gate blocks `groupIds` (one id each) from column `start` of the site. */
function writeSpan(
  r: Recording,
  center: boolean,
  epsilon: number,
  groupIds: number[],
  start: number,
  site: { gamma: Float32Array; beta: Float32Array | null; dGamma: HeapBuffer; dBeta: HeapBuffer | null },
): number {
  const { kernels, steps, batch, units } = r;
  const end = start + groupIds.length * units;
  const form = { form: 'statistics' as const, center, gamma: site.gamma.subarray(start, end), beta: site.beta?.subarray(start, end) ?? null, epsilon };
  return writeStruct(kernels, SITE_FIELDS, {
    norm: writeForm(kernels, form, groupIds),
    normalized: kernels.address(kernels.buffer([steps * batch, groupIds.length * units])),
    inverse: kernels.address(kernels.buffer([steps * batch, new Set(groupIds).size])),
    dGamma: kernels.address(site.dGamma, start),
    dBeta: site.dBeta === null ? 0 : kernels.address(site.dBeta, start),
  });
}
