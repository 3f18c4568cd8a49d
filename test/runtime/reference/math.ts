/** Float64 helpers of the reference: activations and small dense linear algebra on plain arrays. */
import type { Activation } from '../../../src/ir/types.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Elementwise activations. `hard_sigmoid` is tfjs/tf.keras 2's `clip(0.2x + 0.5, 0, 1)` (SEMANTICS.md, tfjs
 * defaults), not Keras 3's `relu6(x + 3) / 6`. `softmax` is not elementwise and is not used inside cells here.
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
};

export function activate(name: Activation, values: number[][]): number[][] {
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
