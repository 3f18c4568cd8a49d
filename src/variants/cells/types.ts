/** The shape of a cell kind's entry in `CELL_FACTS` (`../cells.ts`); one file per kind in this folder. */
import type { EquationContext } from '../equations.js';
import type { RecurrentInitializer } from '../initializers.js';
import type { NormGroups, NormSite, ProjectionSite } from '../sites.js';

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
  /** Its name in prose (docs/runtime.md). */
  title: string;
  /** Where its equations come from (papers, and the framework layout its weights follow). */
  source: string;
  /** What docs/runtime.md says after its equations (Markdown), or '' for nothing. */
  notes: string;
  /**
   * Its equations at step t, one line each, in the symbols of `context`: what the step loop
   * (`src/runtime/recurrent/cells/<kind>.ts`) and every accelerator compute. `seqnet explain` and
   * docs/runtime.md print them.
   */
  equations(context: EquationContext): string[];
}

/** One span of all `gates` blocks. */
export function whole(gates: number): readonly GateSpan[] {
  return [{ first: 0, count: gates }];
}
