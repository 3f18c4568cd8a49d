/**
 * The recurrent weight's initializers (`initializer recurrent NAME`): which weight forms each one can fill (a
 * matrix `U` `[u, G·u]`, a vector `u` `[G·u]`, see `CellFacts.recurrentWeight`) and the ranges of the uniform
 * ones. Validation, lowering, the runtime and explain read these, so a name means the same everywhere.
 */
import type { CellFacts, CellKind } from './cells.js';
import { CELL_FACTS } from './cells.js';

export type RecurrentWeightForm = CellFacts['recurrentWeight'];

export const RECURRENT_INITIALIZERS = ['orthogonal', 'glorot_uniform', 'glorot_normal', 'identity', 'indrnn', 'indrnn_long', 'haste'] as const;
export type RecurrentInitializer = (typeof RECURRENT_INITIALIZERS)[number];

/** The language's recurrent initializer for a cell whose table entry names none. */
export const DEFAULT_RECURRENT_INITIALIZER = 'orthogonal' satisfies RecurrentInitializer;

export interface RecurrentInitializerFacts {
  /** The recurrent weight forms it is defined for. */
  forms: readonly RecurrentWeightForm[];
  /** Whether its range depends on the sequence length T (the input's `steps`). */
  usesSteps: boolean;
}

export const RECURRENT_INITIALIZER_FACTS = {
  // A vector has no orthogonal form: its only orthogonal "matrices" are diag(±1), which `identity` covers.
  orthogonal: { forms: ['matrix'], usesSteps: false },
  // tfjs's Glorot; for a vector of n values both fans are n.
  glorot_uniform: { forms: ['matrix', 'vector'], usesSteps: false },
  glorot_normal: { forms: ['matrix', 'vector'], usesSteps: false },
  // One identity block per gate (Le et al. 2015); for a vector u = 1, the identity matrix's diagonal.
  identity: { forms: ['matrix', 'vector'], usesSteps: false },
  // Li et al. 2018's code: u ~ U(0, 2^(1/T)) for every IndRNN layer but the last.
  indrnn: { forms: ['vector'], usesSteps: true },
  // Li et al. 2018's code for the last IndRNN layer: u ~ U(2^(−1/T), 2^(1/T)), so every unit keeps a long memory.
  indrnn_long: { forms: ['vector'], usesSteps: true },
  // The default of haste's IndRNN (LMNT): u ~ U(−0.5, 0.5).
  haste: { forms: ['vector'], usesSteps: false },
} as const satisfies Record<RecurrentInitializer, RecurrentInitializerFacts>;

type Facts = typeof RECURRENT_INITIALIZER_FACTS;
/** The names a matrix (`U·h`) or a vector (`u ⊙ h`) recurrent weight accepts. */
export type MatrixRecurrentInitializer = { [K in RecurrentInitializer]: 'matrix' extends Facts[K]['forms'][number] ? K : never }[RecurrentInitializer];
export type VectorRecurrentInitializer = { [K in RecurrentInitializer]: 'vector' extends Facts[K]['forms'][number] ? K : never }[RecurrentInitializer];

/**
 * Li et al.'s MAG: over T steps a unit's own recurrence may scale its state by at most this factor or its
 * inverse (|u|^T ≤ 2), which keeps the gradient through time from exploding or vanishing.
 */
export const INDRNN_MAGNITUDE = 2;

export function isRecurrentInitializer(word: string): word is RecurrentInitializer {
  return (RECURRENT_INITIALIZERS as readonly string[]).includes(word);
}

/** Whether `name` can initialize `cell`'s recurrent weight. */
export function initializerFits(name: RecurrentInitializer, cell: CellKind): boolean {
  return (RECURRENT_INITIALIZER_FACTS[name].forms as readonly RecurrentWeightForm[]).includes(CELL_FACTS[cell].recurrentWeight);
}

/** The names `cell`'s recurrent weight accepts, in the list's order. */
export function recurrentInitializersFor(cell: CellKind): RecurrentInitializer[] {
  return RECURRENT_INITIALIZERS.filter((name) => initializerFits(name, cell));
}

/** The recurrent initializer `cell` gets when the spec names none. */
export function defaultRecurrentInitializer(cell: CellKind): RecurrentInitializer {
  const facts: CellFacts = CELL_FACTS[cell];
  return facts.defaultRecurrentInitializer ?? DEFAULT_RECURRENT_INITIALIZER;
}

/**
 * `2^(1/T)`, the bound on |u| of Li et al. (MAG = 2). `steps` null (variable-length input: T unknown) gives the
 * T → ∞ limit, 1.
 */
export function indrnnBound(steps: number | null): number {
  return steps === null ? 1 : INDRNN_MAGNITUDE ** (1 / steps);
}

/** The initializers that draw each value uniformly from a range (`uniformRange`). */
export type UniformRecurrentInitializer = Extract<RecurrentInitializer, 'indrnn' | 'indrnn_long' | 'haste'>;

export function isUniformInitializer(name: RecurrentInitializer): name is UniformRecurrentInitializer {
  return name === 'indrnn' || name === 'indrnn_long' || name === 'haste';
}

/** `[low, high]` of a uniform initializer; T = `steps`, null for its T → ∞ limit. */
export function uniformRange(name: UniformRecurrentInitializer, steps: number | null): [number, number] {
  switch (name) {
    case 'indrnn':
      return [0, indrnnBound(steps)];
    case 'indrnn_long':
      return [1 / indrnnBound(steps), indrnnBound(steps)];
    case 'haste':
      return [-0.5, 0.5];
  }
}
