/** The norms of one direction during one call: applies a site (or a span of its gate blocks) to a value. */
import * as tf from '@tensorflow/tfjs';
import type { CellKind, NormIR, NormSite } from '../../../ir/types.js';
import { candidateAt, siteBlocks } from '../../../variants/index.js';
import { groupIdsFor } from './grouping.js';
import type { PopulationRecorder } from './population.js';
import { normDescriptor } from './registry.js';
import type { NormSpan, NormWeights } from './types.js';

export class CallNorms {
  private readonly bySite = new Map<NormSite, NormWeights>();
  private readonly spans = new Map<string, NormSpan>();
  private readonly prepared = new Map<NormSite, tf.Tensor[]>();

  constructor(
    weights: readonly NormWeights[],
    private readonly cell: CellKind,
    private readonly units: number,
    private readonly training: boolean,
    readonly population: PopulationRecorder,
  ) {
    for (const site of weights) this.bySite.set(site.site, site);
  }

  /** The norm configured at a site, if any. */
  norm(site: NormSite): NormIR | undefined {
    return this.bySite.get(site)?.norm;
  }

  /**
   * The value `[batch, width]` of step `step` normalized at `site` (unchanged if the site has no norm).
   * `value` holds gate blocks `first … first + count − 1` of the site (all of them by default).
   */
  apply(site: NormSite, value: tf.Tensor, step: number, mask: tf.Tensor | null, first = 0, count?: number): tf.Tensor {
    const weights = this.bySite.get(site);
    if (weights === undefined) return value;
    const span = this.span(weights, first, count ?? siteBlocks(this.cell, site));
    const prepared = this.prepared.get(site) ?? null;
    return normDescriptor(weights.norm.kind).apply(span, value, { training: this.training, step, mask, population: this.population, prepared });
  }

  /**
   * Whether `site` needs all steps' values before the loop (statistics over the whole sequence, in training).
   * Only the input site can, since its values do not depend on the recurrence.
   */
  needsSequence(site: NormSite): boolean {
    const weights = this.bySite.get(site);
    return weights !== undefined && normDescriptor(weights.norm.kind).needsSequence?.(weights.norm, this.training) === true;
  }

  /** Runs the kind's `prepareSequence` on all steps' values `[time·batch, width]` of a whole-width site. */
  prepareSequence(site: NormSite, rows: tf.Tensor, mask: tf.Tensor | null): void {
    const weights = this.bySite.get(site);
    if (weights === undefined) return;
    const descriptor = normDescriptor(weights.norm.kind);
    if (descriptor.prepareSequence === undefined) return;
    this.prepared.set(site, descriptor.prepareSequence(this.span(weights, 0, siteBlocks(this.cell, site)), rows, mask, this.population));
  }

  /** A span's parameters, sliced once per call. */
  private span(weights: NormWeights, first: number, count: number): NormSpan {
    const key = `${weights.site}:${first}:${count}`;
    const cached = this.spans.get(key);
    if (cached !== undefined) return cached;
    const whole = count === siteBlocks(this.cell, weights.site);
    const start = first * this.units;
    const width = count * this.units;
    const columns = (variable: tf.LayerVariable | null): tf.Tensor | null => {
      if (variable === null) return null;
      const value = variable.read();
      if (whole) return value;
      return value.rank === 1 ? tf.slice(value, [start], [width]) : tf.slice(value, [0, start], [-1, width]);
    };
    const span: NormSpan = {
      site: weights.site,
      norm: weights.norm,
      units: this.units,
      groupIds: groupIdsFor(weights.norm.groups, first, count, candidateAt(this.cell, weights.site)),
      firstColumn: start,
      gamma: columns(weights.gamma) as tf.Tensor,
      beta: columns(weights.beta),
      movingMean: columns(weights.movingMean),
      movingVariance: columns(weights.movingVariance),
      populationRows: null,
    };
    this.spans.set(key, span);
    return span;
  }
}
