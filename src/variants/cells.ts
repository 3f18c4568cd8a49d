/**
 * The facts of every cell kind, in one table read by every stage (validation, lowering, the runtime, code
 * generation, explanations): its gate blocks and their order, which block is the candidate, its states, the
 * norm sites it has, how a site's value is cut into spans, and its default norm grouping. Behaviour (the
 * equations) lives with each engine; this file holds only what all of them must agree on.
 */
import type { RecurrentInitializer } from './initializers.js';
import type { NormGroups, NormSite, ProjectionSite } from './sites.js';
import { isProjectionSite } from './sites.js';

export const CELL_KINDS = ['lstm', 'gru', 'rnn', 'indrnn'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** A run of consecutive gate blocks of a site: blocks `first … first + count − 1`. */
export interface GateSpan {
  first: number;
  count: number;
}

export interface CellFacts {
  /** Gate blocks in kernel order (`W` `[in, G·u]`, `U` `[u, G·u]`, bias `[G·u]`), by their names in the equations. */
  gates: readonly string[];
  /**
   * The recurrent weight's form: a `matrix` `U` `[u, G·u]` (`U·h`), or a `vector` `u` `[G·u]` that scales
   * each unit's own previous state (`u ⊙ h`, no unit sees another's).
   */
  recurrentWeight: 'matrix' | 'vector';
  /** The cell's `activation` when the spec names none, where it is not the language's default (tanh). */
  defaultActivation?: 'relu';
  /** The recurrent weight's initializer when the spec names none, where it is not the language's (orthogonal). */
  defaultRecurrentInitializer?: RecurrentInitializer;
  /** Index of the candidate block (under `activation`; the others are under `recurrentActivation`). */
  candidate: number;
  /** The recurrent states, `h` first (it is the output). */
  states: readonly ('h' | 'c')[];
  /** The norm sites the cell has. */
  sites: readonly NormSite[];
  /** Index of the forget gate block (the LSTM's forget bias is added there), or null. */
  forgetGate: number | null;
  /** Whether the reset gate may act before or after the recurrent product (`reset before|after`, GRU). */
  resetChoice: boolean;
  /** A projection site's default grouping where it is not `all`. */
  defaultGroups: Partial<Record<ProjectionSite, NormGroups>>;
  /**
   * How a projection site's value is normalized in spans of gate blocks. Statistics never cross a span: a
   * block whose value depends on another block's output (the GRU candidate on r) is computed apart.
   */
  spans(site: ProjectionSite, resetAfter: boolean): readonly GateSpan[];
}

const whole = (gates: number): readonly GateSpan[] => [{ first: 0, count: gates }];

/** GRU: [z, r] and h apart at `gates`, and at `recurrent` unless r multiplies `U_h·h` after the product. */
const GRU_APART: readonly GateSpan[] = [
  { first: 0, count: 2 },
  { first: 2, count: 1 },
];

export const CELL_FACTS = {
  lstm: {
    recurrentWeight: 'matrix',
    gates: ['i', 'f', 'g', 'o'],
    candidate: 2,
    states: ['h', 'c'],
    sites: ['input', 'recurrent', 'gates', 'cell', 'hidden'],
    forgetGate: 1,
    resetChoice: false,
    defaultGroups: {},
    spans: () => whole(4),
  },
  gru: {
    recurrentWeight: 'matrix',
    gates: ['z', 'r', 'h'],
    candidate: 2,
    states: ['h'],
    sites: ['input', 'recurrent', 'gates', 'hidden'],
    forgetGate: null,
    resetChoice: true,
    // The candidate depends on r, so the joint `gates` pre-activation cannot be normalized as one group.
    defaultGroups: { gates: 'per_gate' },
    spans: (site, resetAfter) => (site === 'gates' || (site === 'recurrent' && !resetAfter) ? GRU_APART : whole(3)),
  },
  rnn: {
    recurrentWeight: 'matrix',
    gates: ['h'],
    candidate: 0,
    states: ['h'],
    sites: ['input', 'recurrent', 'gates', 'hidden'],
    forgetGate: null,
    resetChoice: false,
    defaultGroups: {},
    spans: () => whole(1),
  },
  // IndRNN (Li et al. 2018): h_t = act(W·x_t + u ⊙ h_{t−1} + b); each unit sees only its own past state.
  indrnn: {
    recurrentWeight: 'vector',
    defaultActivation: 'relu',
    // Li et al.'s U(0, 2^(1/T)); with variable steps its T → ∞ limit U(0, 1) (src/variants/initializers.ts).
    defaultRecurrentInitializer: 'indrnn',
    gates: ['h'],
    candidate: 0,
    states: ['h'],
    sites: ['input', 'recurrent', 'gates', 'hidden'],
    forgetGate: null,
    resetChoice: false,
    defaultGroups: {},
    spans: () => whole(1),
  },
} as const satisfies Record<CellKind, CellFacts>;

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
