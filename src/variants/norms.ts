/**
 * The facts of every normalization kind that the stages must agree on: its name, its symbol in equations,
 * its default ε and centering, its defining equation and where that comes from, and how its statistics are
 * taken, in words. How a kind computes lives with each engine (`src/runtime/recurrent/norms/`); `seqnet
 * explain` and docs/runtime.md print the equation and the wording from here.
 */
export const NORM_KINDS = ['layer', 'batch', 'rms'] as const;
export type NormKind = (typeof NORM_KINDS)[number];

/** The settings of batch statistics as a description prints them: numbers already written out. */
export interface BatchStatisticsWords {
  /** One set over the batch and all steps (`shared`), or one per step (`per_step`). */
  shared: boolean;
  /** The last step with statistics of its own (`per_step`): `maxSteps`. */
  lastStep: string;
  /** `momentum`, and `1 − momentum`, of the population update. */
  momentum: string;
  complement: string;
}

/**
 * Where a norm is: inside a cell (`batch` holds the layer's batch-statistics settings, null where it has none),
 * or a layer of its own between recurrent layers (over every feature of the step, padded steps included).
 */
export type NormPlace = { place: 'cell'; batch: BatchStatisticsWords | null } | { place: 'between_layers'; batch: BatchStatisticsWords };

export interface NormKindFacts {
  /** In equations: `LN_x`, `BN_h`, `RMS_c`. */
  symbol: string;
  /** In words: "layer norm". */
  title: string;
  epsilon: number;
  /** Whether it has a β (centering) unless the spec says otherwise. */
  center: boolean;
  /** Statistics over the batch (and a population kept for inference), rather than within each example. */
  batchStatistics: boolean;
  /** Its equation applied to `value`, without β (added where the norm is centered). */
  formula(value: string): string;
  /** What the definition says about its symbols after the equation, or null. */
  where: string | null;
  /** Where the equation comes from. */
  source: string;
  /** How its statistics are taken, in words. */
  statistics(place: NormPlace): string;
}

const PER_EXAMPLE = 'over the features of each example at each step';

function population(batch: BatchStatisticsWords): string {
  return `pop = ${batch.momentum}·pop + ${batch.complement}·batch`;
}

function batchStatistics(place: NormPlace): string {
  const batch = place.batch;
  if (place.place === 'between_layers') {
    return `statistics per feature over the batch and all steps together (padded steps included); at inference population statistics, ${population(place.batch)}`;
  }
  if (batch === null) return 'batch statistics';
  const inference = `population statistics at inference, updated as ${population(batch)}`;
  if (batch.shared) return `mean and variance over the batch and all valid steps together; ${inference}`;
  const last = batch.lastStep;
  return `mean and variance over the batch's valid (unpadded) examples, separately for each step t ≤ ${last} (later steps use step ${last}'s); ${inference}`;
}

export const NORM_FACTS = {
  layer: {
    symbol: 'LN',
    title: 'layer norm',
    epsilon: 1e-5,
    center: true,
    batchStatistics: false,
    formula: (v) => `γ ⊙ (${v} − mean(${v})) / √(var(${v}) + ε)`,
    where: null,
    source: 'Ba, Kiros & Hinton 2016, "Layer Normalization", eqs. 20–22; ryankiros/layer-norm (authors\' code)',
    statistics: () => `mean and variance ${PER_EXAMPLE}`,
  },
  batch: {
    symbol: 'BN',
    title: 'batch norm',
    epsilon: 1e-5,
    center: true,
    batchStatistics: true,
    formula: (v) => `γ ⊙ (${v} − μ_B) / √(σ²_B + ε)`,
    where: 'with μ_B, σ²_B batch statistics (population statistics at inference)',
    source: 'Cooijmans et al. 2016, "Recurrent Batch Normalization", eqs. 6–8 and §3 (per step); Laurent et al. 2016, eq. 5 (shared)',
    statistics: batchStatistics,
  },
  // RMSNorm has no centering unless a β is asked for.
  rms: {
    symbol: 'RMS',
    title: 'RMS norm',
    epsilon: 1e-6,
    center: false,
    batchStatistics: false,
    formula: (v) => `γ ⊙ ${v} / √(mean(${v}²) + ε)`,
    where: null,
    source: 'Zhang & Sennrich 2019, "Root Mean Square Layer Normalization", eq. 4; bzhangGo/rmsnorm (authors\' code)',
    statistics: () => `mean square ${PER_EXAMPLE} (no centering)`,
  },
} as const satisfies Record<NormKind, NormKindFacts>;

/** A kind's equation, e.g. `LN(v) = γ ⊙ (v − mean(v)) / √(var(v) + ε) + β`: β as its default centering has it. */
export function normEquation(kind: NormKind): string {
  const facts: NormKindFacts = NORM_FACTS[kind];
  return `${facts.symbol}(v) = ${facts.formula('v')}${facts.center ? ' + β' : ' (+ β when it has one)'}`;
}

/** Its equation and what it says about its symbols (`seqnet explain`'s notation line). */
export function normDefinition(kind: NormKind): string {
  const where: string | null = NORM_FACTS[kind].where;
  return `${normEquation(kind)}${where === null ? '' : `, ${where}`}`;
}
