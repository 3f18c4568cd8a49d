/**
 * What the fused loops with norms inside share (`lstm-norms.ts`, `gru-norms.ts`, `rnn-norms.ts`): reading
 * the norm parameters from `FusedArgs.params`, and a tape of each norm kernel's per-step forward records
 * (for its backward pass) and batch statistics (for the population update).
 */
import type { NormSite } from '../../../ir/types.js';
import { NormKernel } from './norm-kernel.js';
import type { NormRecord, StepStatistics } from './norm-kernel.js';
import type { FusedArgs, FusedRun, SiteSetup } from './types.js';

export interface LoopSite {
  setup: SiteSetup;
  gamma: Float32Array;
  beta: Float32Array | null;
}

/** `FusedArgs.params` of a loop with norms: the bias (when the loop adds one), then γ (and β) of each site. */
export function loopParameters(args: FusedArgs): { bias: Float32Array | null; sites: LoopSite[] } {
  const hasBias = args.params.length > args.sites.reduce((count, site) => count + (site.norm.center ? 2 : 1), 0);
  let next = hasBias ? 1 : 0;
  const sites = args.sites.map((setup) => {
    const gamma = args.params[next++];
    const beta = setup.norm.center ? args.params[next++] : null;
    return { setup, gamma, beta };
  });
  return { bias: hasBias ? args.params[0] : null, sites };
}

/** One norm kernel per site (a loop whose sites are each normalized in one piece: the LSTM's, the RNN's). */
export type SiteKernels = Partial<Record<NormSite, NormKernel>>;

/** The site kernels, and the bias when the loop adds it. */
export function siteKernels(args: FusedArgs): { kernels: SiteKernels; bias: Float32Array | null } {
  const { bias, sites } = loopParameters(args);
  const kernels: SiteKernels = {};
  for (const { setup, gamma, beta } of sites) kernels[setup.site] = new NormKernel(setup.norm, setup.form, setup.groupIds, args.units, gamma, beta, setup.population);
  return { kernels, bias };
}

/** Each batch-normalized site's per-step statistics, for the population update. */
export function siteStatistics(kernels: SiteKernels, tape: NormTape): FusedRun['statistics'] {
  return (Object.entries(kernels) as [NormSite, NormKernel][]).flatMap(([site, kernel]) => {
    const steps = tape.stepStatistics(kernel);
    return steps === undefined ? [] : [{ site, firstColumn: 0, steps }];
  });
}

/** γ and β gradients of the site kernels, in the order of `FusedArgs.params` (after the bias's). */
export function siteParameterGradients(args: FusedArgs, kernels: SiteKernels): Float32Array[] {
  return args.sites.flatMap((site) => {
    const kernel = kernels[site.site] as NormKernel;
    return kernel.betaGradient === null ? [kernel.gammaGradient] : [kernel.gammaGradient, kernel.betaGradient];
  });
}

/** The norm kernels' records of one call, step by step; a missing kernel is the identity. */
export class NormTape {
  private readonly records = new Map<NormKernel, NormRecord[]>();
  private readonly statistics = new Map<NormKernel, StepStatistics[]>();

  constructor(
    private readonly mask: Float32Array | null,
    private readonly batch: number,
  ) {}

  /** The kernel's output for step `t`'s values, recording what its backward pass and the population need. */
  forward(kernel: NormKernel | undefined, values: Float32Array, t: number): Float32Array {
    if (kernel === undefined) return values;
    const result = kernel.forward(values, t, this.mask, t * this.batch);
    append(this.records, kernel, result.record);
    if (result.statistics !== null) append(this.statistics, kernel, result.statistics);
    return result.output;
  }

  /** The gradient w.r.t. step `t`'s input of the kernel, from the gradient of its output. */
  backward(kernel: NormKernel | undefined, gradient: Float32Array, t: number): Float32Array {
    if (kernel === undefined) return gradient;
    return kernel.backward(gradient, (this.records.get(kernel) as NormRecord[])[t], this.mask, t * this.batch);
  }

  /** Each step's batch statistics of the kernel (batch norm in training), or undefined. */
  stepStatistics(kernel: NormKernel): StepStatistics[] | undefined {
    return this.statistics.get(kernel);
  }
}

function append<K, T>(lists: Map<K, T[]>, key: K, item: T): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [item]);
  else list.push(item);
}
