/**
 * The per-step equations of one recurrent layer. The cell kind writes them (`CELL_FACTS[cell].equations`, in
 * `src/variants/cells/<kind>.ts`); this module fills their context from the layer's IR: which sites are
 * normalized and by which kind, the activations, the dropout and zoneout lines, the bias and the forget
 * constant, where the reset gate acts. docs/runtime.md's equations come from the same writers
 * (`runtime-doc.ts`), in canonical symbols.
 */
import type { RecurrentLayerIR } from '../ir/types.js';
import { CELL_FACTS, H_PREV, NORM_SITES, type EquationContext, type NormSite } from '../variants/index.js';
import { activationSymbol, findNorm, normSymbol, num } from './notation.js';

/** The dropout forms whose masks scale by `1/keep`. */
export type InvertedDropout = 'input' | 'recurrent' | 'candidate';

/** How a dropout form's keep probability is printed: this layer's `1 − rate` (`seqnet explain`) or a symbol (the docs). */
export type KeepNotation = (form: InvertedDropout, rate: number) => string;

const LAYER_KEEP: KeepNotation = (_form, rate) => num(1 - rate);

function inputDropoutLines(layer: RecurrentLayerIR, keep: KeepNotation): string[] {
  const lines: string[] = [];
  const { input, recurrent } = layer.dropout;
  if (input !== null) lines.push(`x̃_t = x_t ⊙ m_x / ${keep('input', input.rate)}`);
  if (recurrent !== null) lines.push(`h̃_{t−1} = ${H_PREV} ⊙ m_h / ${keep('recurrent', recurrent.rate)}    (only inside ${CELL_FACTS[layer.cell].recurrentWeight === 'vector' ? 'U ⊙ h' : 'U·h'}; the state itself is not dropped)`);
  return lines;
}

function candidateDropout(layer: RecurrentLayerIR, keep: KeepNotation): (symbol: string) => string[] {
  const candidate = layer.dropout.candidate;
  return (symbol) => (candidate === null ? [] : [`${symbol} ← ${symbol} ⊙ m_cand / ${keep('candidate', candidate.rate)}`]);
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
export function equationContext(layer: RecurrentLayerIR, keep: KeepNotation = LAYER_KEEP): EquationContext {
  const norms = Object.fromEntries(NORM_SITES.map((site) => [site, symbolAt(layer, site)])) as Record<NormSite, string | null>;
  const { constant } = layer.forgetBias;
  return {
    norms,
    carryCell: findNorm(layer, 'cell')?.carry ?? false,
    activation: activationSymbol(layer.activation),
    gateActivation: activationSymbol(layer.recurrentActivation),
    input: layer.dropout.input === null ? 'x_t' : 'x̃_t',
    recurrent: layer.dropout.recurrent === null ? H_PREV : 'h̃_{t−1}',
    dropoutLines: inputDropoutLines(layer, keep),
    candidateDropout: candidateDropout(layer, keep),
    bias: layer.useBias,
    forgetConstant: CELL_FACTS[layer.cell].forgetGate !== null && constant !== 0 ? String(constant) : null,
    resetAfter: layer.resetAfter,
    zoneoutLines: zoneoutLines(layer),
  };
}

function symbolAt(layer: RecurrentLayerIR, site: NormSite): string | null {
  const norm = findNorm(layer, site);
  return norm === null ? null : normSymbol(norm);
}

/** The equations computed at step t (one direction). */
export function recurrentEquations(layer: RecurrentLayerIR): string[] {
  return CELL_FACTS[layer.cell].equations(equationContext(layer));
}
