/**
 * The per-step equations of one recurrent layer, written from its IR: which projections are normalized (and
 * how), where the bias and the forget constant enter, where the reset gate acts, which values are dropped out
 * and which state is carried. Consistent with docs/language.md and docs/runtime.md (Equations).
 */
import type { NormIR, RecurrentLayerIR } from '../ir/types.js';
import { CELL_FACTS, siteSpans } from '../variants/index.js';
import { activationSymbol, findNorm, normSymbol, num } from './notation.js';

const H_PREV = 'h_{t−1}';

function inputVector(layer: RecurrentLayerIR): string {
  return layer.dropout.input === null ? 'x_t' : 'x̃_t';
}

function recurrentVector(layer: RecurrentLayerIR): string {
  return layer.dropout.recurrent === null ? H_PREV : 'h̃_{t−1}';
}

/** `u = W·x` and `v = U·h`, each normalized where the spec puts a norm on that projection. */
function projections(layer: RecurrentLayerIR, gates: string[]): string[] {
  const x = inputVector(layer);
  const h = recurrentVector(layer);
  const input = findNorm(layer, 'input');
  const recurrent = findNorm(layer, 'recurrent');
  const wrap = (norm: NormIR | null, expression: string) => (norm === null ? expression : `${normSymbol(norm)}(${expression})`);
  const slices = (name: string, names: string[]) => `[${names.map((gate) => `${name}_${gate}`).join(', ')}]`;
  const lines = [`${slices('u', gates)} = ${wrap(input, `W·${x}`)}`];
  if (layer.cell === 'gru' && !layer.resetAfter) {
    lines.push(`[v_z, v_r] = ${wrap(recurrent, `U_{z,r}·${h}`)}`);
    lines.push(`v_h = ${wrap(recurrent, `U_h·(r_t ⊙ ${h})`)}    (reset before the recurrent product, once r_t is known)`);
  } else if (CELL_FACTS[layer.cell].recurrentWeight === 'vector') {
    lines.push(`${slices('v', gates)} = ${wrap(recurrent, `U ⊙ ${h}`)}    (U a vector: one recurrent weight per unit)`);
  } else {
    lines.push(`${slices('v', gates)} = ${wrap(recurrent, `U·${h}`)}`);
  }
  return lines;
}

/** The pre-activation of one gate slice: `u + v (+ b)`, inside the joint norm when the spec puts one there. */
function preActivation(layer: RecurrentLayerIR, gate: string, resetScaled = false): string {
  const v = resetScaled ? `r_t ⊙ v_${gate}` : `v_${gate}`;
  const gatesNorm = findNorm(layer, 'gates');
  let sum = `u_${gate} + ${v}`;
  // Where the joint site is cut into spans (the GRU: its candidate depends on r_t), the candidate's
  // pre-activation is normalized on its own.
  const { gates, candidate, forgetGate } = CELL_FACTS[layer.cell];
  const apart = siteSpans(layer.cell, 'gates', layer.resetAfter).length > 1 && gate === gates[candidate];
  if (gatesNorm !== null) sum = apart ? `${normSymbol(gatesNorm)}(${sum})` : `${normSymbol(gatesNorm)}(u + v)_${gate}`;
  const bias = layer.useBias ? ` + b_${gate}` : '';
  const constant = forgetGate !== null && gate === gates[forgetGate] && layer.forgetBias.constant !== 0 ? ` + ${layer.forgetBias.constant}` : '';
  return `${sum}${bias}${constant}`;
}

function inputDropoutLines(layer: RecurrentLayerIR): string[] {
  const lines: string[] = [];
  const { input, recurrent } = layer.dropout;
  if (input !== null) lines.push(`x̃_t = x_t ⊙ m_x / ${num(1 - input.rate)}`);
  if (recurrent !== null) lines.push(`h̃_{t−1} = ${H_PREV} ⊙ m_h / ${num(1 - recurrent.rate)}    (only inside ${CELL_FACTS[layer.cell].recurrentWeight === 'vector' ? 'U ⊙ h' : 'U·h'}; the state itself is not dropped)`);
  return lines;
}

function candidateDropout(layer: RecurrentLayerIR, symbol: string): string[] {
  const candidate = layer.dropout.candidate;
  return candidate === null ? [] : [`${symbol} ← ${symbol} ⊙ m_cand / ${num(1 - candidate.rate)}`];
}

function zoneoutLines(layer: RecurrentLayerIR): string[] {
  const zoneout = layer.dropout.zoneout;
  if (zoneout === null) return [];
  const lines: string[] = [];
  if (zoneout.cell > 0 && (CELL_FACTS[layer.cell].states as readonly string[]).includes('c')) lines.push('c_t ← d_c ⊙ c_{t−1} + (1 − d_c) ⊙ c_t');
  if (zoneout.hidden > 0) lines.push(`h_t ← d_h ⊙ ${H_PREV} + (1 − d_h) ⊙ h_t`);
  return lines;
}

function hiddenNorm(layer: RecurrentLayerIR): string[] {
  const hidden = findNorm(layer, 'hidden');
  return hidden === null ? [] : [`h_t ← ${normSymbol(hidden)}(h_t)`];
}

function lstmLines(layer: RecurrentLayerIR): string[] {
  const gate = activationSymbol(layer.recurrentActivation);
  const act = activationSymbol(layer.activation);
  const cell = findNorm(layer, 'cell');
  const lines = [
    ...inputDropoutLines(layer),
    ...projections(layer, ['i', 'f', 'g', 'o']),
    `i_t = ${gate}(${preActivation(layer, 'i')})`,
    `f_t = ${gate}(${preActivation(layer, 'f')})`,
    `g_t = ${act}(${preActivation(layer, 'g')})`,
    `o_t = ${gate}(${preActivation(layer, 'o')})`,
    ...candidateDropout(layer, 'g_t'),
    'c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t',
  ];
  if (cell === null) lines.push(`h_t = o_t ⊙ ${act}(c_t)`);
  else if (cell.carry) lines.push(`c_t ← ${normSymbol(cell)}(c_t)    (carried)`, `h_t = o_t ⊙ ${act}(c_t)`);
  else lines.push(`h_t = o_t ⊙ ${act}(${normSymbol(cell)}(c_t))    (c_t carried unnormalized)`);
  return [...lines, ...hiddenNorm(layer), ...zoneoutLines(layer)];
}

function gruLines(layer: RecurrentLayerIR): string[] {
  const gate = activationSymbol(layer.recurrentActivation);
  const act = activationSymbol(layer.activation);
  return [
    ...inputDropoutLines(layer),
    ...projections(layer, ['z', 'r', 'h']),
    `z_t = ${gate}(${preActivation(layer, 'z')})`,
    `r_t = ${gate}(${preActivation(layer, 'r')})`,
    `ĥ_t = ${act}(${preActivation(layer, 'h', layer.resetAfter)})${layer.resetAfter ? '    (reset after the recurrent product)' : ''}`,
    ...candidateDropout(layer, 'ĥ_t'),
    `h_t = z_t ⊙ ${H_PREV} + (1 − z_t) ⊙ ĥ_t`,
    ...hiddenNorm(layer),
    ...zoneoutLines(layer),
  ];
}

function rnnLines(layer: RecurrentLayerIR): string[] {
  return [
    ...inputDropoutLines(layer),
    ...projections(layer, ['h']),
    `h_t = ${activationSymbol(layer.activation)}(${preActivation(layer, 'h')})`,
    ...candidateDropout(layer, 'h_t'),
    ...hiddenNorm(layer),
    ...zoneoutLines(layer),
  ];
}

/** The equations computed at step t (one direction). */
export function recurrentEquations(layer: RecurrentLayerIR): string[] {
  switch (layer.cell) {
    case 'lstm':
      return lstmLines(layer);
    case 'gru':
      return gruLines(layer);
    case 'rnn':
    case 'indrnn':
      return rnnLines(layer);
  }
}
