/** Float64 helpers of the reference: activations and small dense linear algebra on plain arrays. */
import type { Activation } from '../../../src/ir/types.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, far inside the float32 tolerances). */
function erf(v: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(v));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(v) * (1 - poly * Math.exp(-v * v));
}

/** SELU constants (Klambauer et al. 2017), as Keras and tfjs use them. */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Elementwise activations. `hard_sigmoid` is tfjs/tf.keras 2's `clip(0.2x + 0.5, 0, 1)` (docs/runtime.md,
 * Reference values), not Keras 3's `relu6(x + 3) / 6`.
 */
const ELEMENTWISE: Partial<Record<Activation, (v: number) => number>> = {
  tanh: Math.tanh,
  sigmoid,
  hard_sigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  relu: (v) => Math.max(0, v),
  linear: (v) => v,
  elu: (v) => (v > 0 ? v : Math.exp(v) - 1),
  softsign: (v) => v / (1 + Math.abs(v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  swish: (v) => v * sigmoid(v),
  selu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1)),
  // The exact (erf) GELU, not the tanh approximation.
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
};

/** Softmax over the units of one example (the last axis). */
function softmaxRow(row: number[]): number[] {
  const top = Math.max(...row);
  const exps = row.map((v) => Math.exp(v - top));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

export function activate(name: Activation, values: number[][]): number[][] {
  if (name === 'softmax') return values.map(softmaxRow);
  const f = ELEMENTWISE[name];
  if (f === undefined) throw new Error(`reference: activation '${name}' is not implemented`);
  return values.map((row) => row.map(f));
}

/** `[rows][n] · [n][m]`. */
export function matmul(a: number[][], b: number[][]): number[][] {
  const m = b[0]?.length ?? 0;
  return a.map((row) => {
    const out = new Array<number>(m).fill(0);
    row.forEach((value, k) => {
      const bk = b[k];
      for (let j = 0; j < m; j++) out[j] += value * bk[j];
    });
    return out;
  });
}

/** Columns `columns` of every row. */
export function pickColumns(values: number[][], columns: readonly number[]): number[][] {
  return values.map((row) => columns.map((c) => row[c]));
}

/** Columns `columns` of a weight matrix (a gate block of a kernel). */
export const columnsOf = pickColumns;

export function add(a: number[][], b: number[][]): number[][] {
  return a.map((row, i) => row.map((v, j) => v + b[i][j]));
}

export function mul(a: number[][], b: number[][]): number[][] {
  return a.map((row, i) => row.map((v, j) => v * b[i][j]));
}

export function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, k) => start + k);
}

export function zeros(rows: number, columns: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
}

/** `mix·previous + (1 − mix)·next`: zoneout's expectation at inference (Krueger et al. 2017). */
export function mixWith(previous: number[][], next: number[][], mix: number): number[][] {
  return next.map((row, i) => row.map((v, j) => mix * previous[i][j] + (1 - mix) * v));
}
