/**
 * The facts of every cell kind, in one table read by every stage (validation, lowering, the runtime, code
 * generation, explanations): its gate blocks and their order, which block is the candidate, its states, the
 * norm sites it has, how a site's value is cut into spans, its default norm grouping, and its equations
 * (what every engine computes; `seqnet explain` and docs/runtime.md print them). Each kind's entry is a file
 * in `cells/`; this module collects them and holds the helpers the stages share.
 */
import type { NormGroups, NormSite } from './sites.js';
import { isProjectionSite } from './sites.js';
import { gru } from './cells/gru.js';
import { indrnn } from './cells/indrnn.js';
import { lstm } from './cells/lstm.js';
import { rnn } from './cells/rnn.js';
import type { CellFacts, GateSpan } from './cells/types.js';
import { whole } from './cells/types.js';

export type { CellFacts, GateSpan } from './cells/types.js';

export const CELL_KINDS = ['lstm', 'gru', 'rnn', 'indrnn'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export const CELL_FACTS = { lstm, gru, rnn, indrnn } as const satisfies Record<CellKind, CellFacts>;

export function cellFacts(cell: CellKind): CellFacts {
  return CELL_FACTS[cell];
}

export function isCellKind(word: string): word is CellKind {
  return (CELL_KINDS as readonly string[]).includes(word);
}

/** Gate blocks in a site's value: all of them at a projection site, one at a state site. */
export function siteBlocks(cell: CellKind, site: NormSite): number {
  return isProjectionSite(site) ? CELL_FACTS[cell].gates.length : 1;
}

/** A site's width for `units` units. */
export function siteWidth(cell: CellKind, site: NormSite, units: number): number {
  return siteBlocks(cell, site) * units;
}

/** The candidate block's index at a site, or −1 at a state site (whose one block is no gate). */
export function candidateAt(cell: CellKind, site: NormSite): number {
  return isProjectionSite(site) ? CELL_FACTS[cell].candidate : -1;
}

/** Whether the cell uses `recurrentActivation` (it has gates besides the candidate). */
export function hasGates(cell: CellKind): boolean {
  return CELL_FACTS[cell].gates.length > 1;
}

/** The spans of any site: a state site is one span of its one block. */
export function siteSpans(cell: CellKind, site: NormSite, resetAfter: boolean): readonly GateSpan[] {
  return isProjectionSite(site) ? CELL_FACTS[cell].spans(site, resetAfter) : whole(1);
}

/**
 * Whether `groups all` is impossible at a site: its value is always normalized in more than one span (the
 * GRU's `gates` site), so no statistic can span all of it.
 */
export function alwaysSplit(cell: CellKind, site: NormSite): boolean {
  return siteSpans(cell, site, true).length > 1 && siteSpans(cell, site, false).length > 1;
}

/** The recurrent weight's shape for `units` units: `[u, G·u]` for a matrix, `[G·u]` for a vector. */
export function recurrentWeightShape(cell: CellKind, units: number): number[] {
  const width = siteWidth(cell, 'gates', units);
  return CELL_FACTS[cell].recurrentWeight === 'matrix' ? [units, width] : [width];
}

/** Weights of `W` `[in, G·u]` and of the recurrent weight (the bias and norms not included). */
export function projectionWeightCount(cell: CellKind, inputWidth: number, units: number): number {
  const recurrent = recurrentWeightShape(cell, units).reduce((product, size) => product * size, 1);
  return inputWidth * siteWidth(cell, 'gates', units) + recurrent;
}

/** The grouping a site gets when the spec names none. */
export function defaultGroups(cell: CellKind, site: NormSite): NormGroups {
  const groups: Partial<Record<NormSite, NormGroups>> = CELL_FACTS[cell].defaultGroups;
  return groups[site] ?? 'all';
}
