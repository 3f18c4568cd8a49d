/**
 * The per-step equations of one recurrent layer. The cell kind writes them (`CELL_FACTS[cell].equations`, in
 * `src/variants/cells/<kind>.ts`); this module fills their context from the layer's IR: which sites are
 * normalized and by which kind, the activations, the dropout and zoneout lines, the bias and the forget
 * constant, where the reset gate acts. docs/runtime.md's equations come from the same writers
 * (`runtime-doc.ts`), with the canonical symbols of `CANONICAL_NOTATION`.
 */
import type { Activation, NormIR, RecurrentLayerIR } from '../ir/types.js';
import { CELL_FACTS, H_PREV, NORM_SITES, type EquationContext, type NormSite } from '../variants/index.js';
import { activationSymbol, findNorm, normSymbol, num } from './notation.js';

/** The dropout forms whose masks scale by `1/keep`. */
export type InvertedDropout = 'input' | 'recurrent' | 'candidate';

/** How the layer's settings are printed: this layer's numbers (`seqnet explain`) or symbols (the docs). */
export interface EquationNotation {
  norm(norm: NormIR): string;
  activation(activation: Activation): string;
  /** The keep probability `1 − rate` of a dropout form. */
  keep(form: InvertedDropout, rate: number): string;
  /** The LSTM's constant forget bias. */
  constant(value: number): string;
}

/** `seqnet explain`'s notation: this layer's symbols and numbers. */
export const LAYER_NOTATION: EquationNotation = {
  norm: normSymbol,
  activation: activationSymbol,
  keep: (_form, rate) => num(1 - rate),
  constant: (value) => String(value),
};

function inputDropoutLines(layer: RecurrentLayerIR, notation: EquationNotation): string[] {
  const lines: string[] = [];
  const { input, recurrent } = layer.dropout;
  if (input !== null) lines.push(`x̃_t = x_t ⊙ m_x / ${notation.keep('input', input.rate)}`);
  if (recurrent !== null) lines.push(`h̃_{t−1} = ${H_PREV} ⊙ m_h / ${notation.keep('recurrent', recurrent.rate)}    (only inside ${CELL_FACTS[layer.cell].recurrentWeight === 'vector' ? 'U ⊙ h' : 'U·h'}; the state itself is not dropped)`);
  return lines;
}

function candidateDropout(layer: RecurrentLayerIR, notation: EquationNotation): (symbol: string) => string[] {
  const candidate = layer.dropout.candidate;
  return (symbol) => (candidate === null ? [] : [`${symbol} ← ${symbol} ⊙ m_cand / ${notation.keep('candidate', candidate.rate)}`]);
}

function zoneoutLines(layer: RecurrentLayerIR): string[] {
  const zoneout = layer.dropout.zoneout;
  if (zoneout === null) return [];
  const lines: string[] = [];
  if (zoneout.cell > 0 && (CELL_FACTS[layer.cell].states as readonly string[]).includes('c')) lines.push('c_t ← d_c ⊙ c_{t−1} + (1 − d_c) ⊙ c_t');
  if (zoneout.hidden > 0) lines.push(`h_t ← d_h ⊙ ${H_PREV} + (1 − d_h) ⊙ h_t`);
  return lines;
}

/** The context a cell's equation writer reads, filled from the layer's IR. */
export function equationContext(layer: RecurrentLayerIR, notation: EquationNotation = LAYER_NOTATION): EquationContext {
  const norms = Object.fromEntries(NORM_SITES.map((site) => [site, symbolAt(layer, site, notation)])) as Record<NormSite, string | null>;
  const { constant } = layer.forgetBias;
  return {
    norms,
    carryCell: findNorm(layer, 'cell')?.carry ?? false,
    activation: notation.activation(layer.activation),
    gateActivation: notation.activation(layer.recurrentActivation),
    input: layer.dropout.input === null ? 'x_t' : 'x̃_t',
    recurrent: layer.dropout.recurrent === null ? H_PREV : 'h̃_{t−1}',
    dropoutLines: inputDropoutLines(layer, notation),
    candidateDropout: candidateDropout(layer, notation),
    bias: layer.useBias,
    forgetConstant: CELL_FACTS[layer.cell].forgetGate !== null && constant !== 0 ? notation.constant(constant) : null,
    resetAfter: layer.resetAfter,
    zoneoutLines: zoneoutLines(layer),
  };
}

function symbolAt(layer: RecurrentLayerIR, site: NormSite, notation: EquationNotation): string | null {
  const norm = findNorm(layer, site);
  return norm === null ? null : notation.norm(norm);
}

/** The equations computed at step t (one direction). */
export function recurrentEquations(layer: RecurrentLayerIR): string[] {
  return CELL_FACTS[layer.cell].equations(equationContext(layer));
}
