/**
 * One time step of the reference LSTM, GRU, simple RNN and IndRNN over a whole batch, in float64, at inference as far
 * as dropout goes (dropout is the identity, zoneout its expectation `z·prev + (1 − z)·new`).
 *
 * Sources: the pre-activation `N_x(W·x) + N_h(U·h)`, the joint `N_gates(u + v)` before the bias, the forget
 * constant, the cell-state norm (carried or output-only), the hidden norm and zoneout order follow
 * docs/language.md, the IR doc comments (src/ir/types.ts) and docs/runtime.md (Equations); the unnormalized
 * cells are the tfjs/Keras ones (gate order i,f,c,o and z,r,h; GRU `h = z⊙h_prev + (1 − z)⊙h̃`).
 */
import type { CellKind, NormSite } from '../../../src/ir/types.js';
import { activate, add, columnsOf, matmul, mixWith, mul, pickColumns, range } from './math.js';
import { applyNorm, siteGroups, type StepContext } from './norms.js';
import type { DirectionWeights, ReferenceConfig } from './types.js';

export interface CellState {
  h: number[][];
  /** LSTM only. */
  c: number[][] | null;
}

interface Step {
  config: ReferenceConfig;
  weights: DirectionWeights;
  context: StepContext;
}

/** Normalizes the given global columns of a site when the layer has a norm there; identity otherwise. */
function normAt(step: Step, site: NormSite, values: number[][], columns: number[]): number[][] {
  const norm = step.config.norms.find((n) => n.site === site);
  if (norm === undefined) return values;
  const params = step.weights.norms[site];
  if (params === undefined) throw new Error(`reference: missing parameters for the ${site} norm`);
  const groups = siteGroups(norm, step.config.cell, step.config.units, step.config.resetAfter);
  return applyNorm(norm, params, values, columns, groups, step.context);
}

/** Adds the bias columns `columns` to every row (nothing when the layer has no bias). */
function addBias(step: Step, values: number[][], columns: number[]): number[][] {
  const bias = step.weights.bias;
  return bias === null ? values : values.map((row) => row.map((v, k) => v + bias[columns[k]]));
}

/** The hidden norm, then zoneout on h (its expectation at inference): `seqnet explain`'s order. */
function finishHidden(step: Step, previous: number[][], next: number[][]): number[][] {
  const normalized = normAt(step, 'hidden', next, range(0, step.config.units));
  const zoneout = step.config.dropout.zoneout;
  return zoneout === null || zoneout.hidden === 0 ? normalized : mixWith(previous, normalized, zoneout.hidden);
}

/** `N_x(W·x)` and `N_h(U·h)` over all gate columns, then the joint norm `N_gates(u + v)`. */
function jointPreActivation(step: Step, x: number[][], h: number[][]): number[][] {
  const all = range(0, step.weights.kernel[0].length);
  const u = normAt(step, 'input', matmul(x, step.weights.kernel), all);
  const v = normAt(step, 'recurrent', matmul(h, step.weights.recurrentKernel), all);
  return addBias(step, normAt(step, 'gates', add(u, v), all), all);
}

export function rnnStep(step: Step, x: number[][], state: CellState): CellState {
  const next = activate(step.config.activation, jointPreActivation(step, x, state.h));
  return { h: finishHidden(step, state.h, next), c: null };
}

/**
 * IndRNN (Li et al. 2018): `h_t = act(N_gates(N_x(W·x) + N_h(u ⊙ h)) + b)`. Its recurrent weight `u` is a
 * vector, held here as the one row `recurrentKernel[0]` (see `recurrentKernelRows`).
 */
export function indrnnStep(step: Step, x: number[][], state: CellState): CellState {
  const all = range(0, step.config.units);
  const scale = step.weights.recurrentKernel[0];
  const u = normAt(step, 'input', matmul(x, step.weights.kernel), all);
  const v = normAt(step, 'recurrent', state.h.map((row) => row.map((value, k) => value * scale[k])), all);
  const pre = addBias(step, normAt(step, 'gates', add(u, v), all), all);
  return { h: finishHidden(step, state.h, activate(step.config.activation, pre)), c: null };
}

/** Rows of the reference's `recurrentKernel`: `units` for a matrix `U`, 1 for the IndRNN's vector `u`. */
export function recurrentKernelRows(cell: CellKind, units: number): number {
  return cell === 'indrnn' ? 1 : units;
}

export function lstmStep(step: Step, x: number[][], state: CellState): CellState {
  const { units, activation, recurrentActivation, forgetBias, norms, dropout } = step.config;
  const pre = jointPreActivation(step, x, state.h);
  const block = (g: number) => pickColumns(pre, range(g * units, (g + 1) * units));
  const i = activate(recurrentActivation, block(0));
  // TF1's forget_bias: a constant added to the forget pre-activation at every step.
  const f = activate(recurrentActivation, block(1).map((row) => row.map((v) => v + forgetBias.constant)));
  const g = activate(activation, block(2));
  const o = activate(recurrentActivation, block(3));
  const previousC = state.c as number[][];
  const raw = add(mul(f, previousC), mul(i, g));
  const cellNorm = norms.find((n) => n.site === 'cell');
  const normalized = cellNorm === undefined ? raw : normAt(step, 'cell', raw, range(0, units));
  // carry true (TF1 contrib, TF Addons): the normalized c is the state; false (Ba, Cooijmans): output only.
  const carried = cellNorm?.carry === true ? normalized : raw;
  const hNext = mul(o, activate(activation, normalized));
  // Zoneout on c mixes the carried value; h was computed from the un-zoned c (Krueger et al. 2017).
  const zoneout = dropout.zoneout;
  const c = zoneout === null || zoneout.cell === 0 ? carried : mixWith(previousC, carried, zoneout.cell);
  return { h: finishHidden(step, state.h, hNext), c };
}

/**
 * GRU, reset before (tfjs: `h̃ = act(W_h·x + U_h·(r⊙h) + b_h)`) or after (`act(W_h·x + r⊙(U_h·h) + b_h)`, Ba et
 * al.'s LN-GRU). With the reset before, the candidate's recurrent term needs r_t, so the z,r columns and the
 * candidate columns go through the recurrent and joint norms in two passes.
 */
export function gruStep(step: Step, x: number[][], state: CellState): CellState {
  const { units, activation, recurrentActivation, resetAfter } = step.config;
  const { kernel, recurrentKernel } = step.weights;
  const gateColumns = range(0, 2 * units);
  const candidateColumns = range(2 * units, 3 * units);
  const u = normAt(step, 'input', matmul(x, kernel), range(0, 3 * units));
  const h = state.h;
  let vGates: number[][];
  let vCandidate: number[][] | null = null;
  if (resetAfter) {
    const v = normAt(step, 'recurrent', matmul(h, recurrentKernel), range(0, 3 * units));
    vGates = pickColumns(v, gateColumns);
    vCandidate = pickColumns(v, candidateColumns);
  } else {
    vGates = normAt(step, 'recurrent', matmul(h, columnsOf(recurrentKernel, gateColumns)), gateColumns);
  }
  const preGates = addBias(step, normAt(step, 'gates', add(pickColumns(u, gateColumns), vGates), gateColumns), gateColumns);
  const z = activate(recurrentActivation, pickColumns(preGates, range(0, units)));
  const r = activate(recurrentActivation, pickColumns(preGates, range(units, 2 * units)));
  const recurrentTerm =
    vCandidate !== null
      ? mul(r, vCandidate)
      : normAt(step, 'recurrent', matmul(mul(r, h), columnsOf(recurrentKernel, candidateColumns)), candidateColumns);
  const joint = normAt(step, 'gates', add(pickColumns(u, candidateColumns), recurrentTerm), candidateColumns);
  const candidate = activate(activation, addBias(step, joint, candidateColumns));
  const next = candidate.map((row, b) => row.map((v, k) => z[b][k] * h[b][k] + (1 - z[b][k]) * v));
  return { h: finishHidden(step, h, next), c: null };
}

/** Every cell of the registry needs its reference step here (a new `CellKind` fails to compile until then). */
export const CELL_STEPS = { rnn: rnnStep, lstm: lstmStep, gru: gruStep, indrnn: indrnnStep } as const satisfies Record<CellKind, typeof rnnStep>;
export type { Step };
