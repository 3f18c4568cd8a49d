/**
 * What a cell's equation writer (`equations(context)` in `cells/<kind>.ts`) needs to know about one layer, as
 * the symbols it prints, and the line pieces the cells share. `seqnet explain` fills the context from a
 * layer's IR (`src/explain/equations.ts`); docs/runtime.md's generated section fills it with the canonical
 * symbols (`N_x`, `act`, …). This stage comes first, so the context is plain strings: no IR types.
 */
import type { NormSite } from './sites.js';

export interface EquationContext {
  /** The symbol of the norm at each site (`LN_x`, `BN_h`), null where the layer has none. */
  norms: Readonly<Record<NormSite, string | null>>;
  /** Whether the normalized cell state is the one carried to the next step (the cell norm's `carry`). */
  carryCell: boolean;
  /** The candidate's activation (`tanh`, `relu`; `act` in the canonical form). */
  activation: string;
  /** The gates' activation (`σ`). */
  gateActivation: string;
  /** The input vector as the projection reads it: `x_t`, or `x̃_t` when it is dropped out. */
  input: string;
  /** The previous state as the recurrent product reads it: `h_{t−1}`, or `h̃_{t−1}` when it is dropped out. */
  recurrent: string;
  /** Lines written before the projections (the input and recurrent dropout masks). */
  dropoutLines: readonly string[];
  /** The candidate dropout applied to the candidate `symbol` (no lines when there is none). */
  candidateDropout(symbol: string): readonly string[];
  /** Whether the pre-activations add a bias `b_g`. */
  bias: boolean;
  /** The constant added to the forget gate's pre-activation at every step, as printed; null when there is none. */
  forgetConstant: string | null;
  /** Whether the reset gate acts after the recurrent product (cells with a reset choice). */
  resetAfter: boolean;
  /** Lines written last (zoneout of the states). */
  zoneoutLines: readonly string[];
}

/** The previous hidden state. */
export const H_PREV = 'h_{t−1}';

/** `N(expression)` where the site has a norm, the expression itself otherwise. */
export function normalized(context: EquationContext, site: NormSite, expression: string): string {
  const norm = context.norms[site];
  return norm === null ? expression : `${norm}(${expression})`;
}

/** `[u_i, u_f, …]`: the slices of a projection `name`, one per gate block. */
export function slices(name: string, gates: readonly string[]): string {
  return `[${gates.map((gate) => `${name}_${gate}`).join(', ')}]`;
}

/** `[u_…] = N_x(W·x_t)`: the input projection of every gate block. */
export function inputProjection(context: EquationContext, gates: readonly string[]): string {
  return `${slices('u', gates)} = ${normalized(context, 'input', `W·${context.input}`)}`;
}

export interface PreActivationOptions {
  /** The reset gate scales the recurrent slice (`r_t ⊙ v_h`: the GRU with the reset gate after the product). */
  resetScaled?: boolean;
  /**
   * The joint (`gates`) norm takes this block apart from the others (a span of its own), so its argument is
   * written out rather than sliced from `N(u + v)`.
   */
  apart?: boolean;
  /** This is the forget gate: the forget constant is added. */
  forget?: boolean;
}

/** The pre-activation of one gate block: `u + v (+ b)`, inside the joint norm where the layer has one. */
export function preActivation(context: EquationContext, gate: string, options: PreActivationOptions = {}): string {
  const v = options.resetScaled === true ? `r_t ⊙ v_${gate}` : `v_${gate}`;
  const joint = context.norms.gates;
  let sum = `u_${gate} + ${v}`;
  if (joint !== null) sum = options.apart === true ? `${joint}(${sum})` : `${joint}(u + v)_${gate}`;
  const bias = context.bias ? ` + b_${gate}` : '';
  const constant = options.forget === true && context.forgetConstant !== null ? ` + ${context.forgetConstant}` : '';
  return `${sum}${bias}${constant}`;
}

/** What every cell writes after its new `h_t`: the hidden norm, then zoneout. */
export function outputLines(context: EquationContext): string[] {
  const hidden = context.norms.hidden;
  return [...(hidden === null ? [] : [`h_t ← ${hidden}(h_t)`]), ...context.zoneoutLines];
}
