/**
 * One inference step of each cell in the column layout of the heap loop: a value is `[rows, batch]` with
 * the gate blocks one after another, so a gate is a view of contiguous rows. The equations are those of
 * `cells/lstm.ts`, `cells/gru.ts` and `cells/rnn.ts` with dropout at its inference value (the identity;
 * zoneout its expectation).
 *
 * tanh(x) is computed as 2σ(2x) − 1: the wasm backend's sigmoid is several times faster than its tanh. The
 * factor 2 of a candidate's pre-activation, and the bias, are folded by `run.ts` into the last affine map
 * before the nonlinearity (the input kernel, the recurrent kernel, or a norm's γ and β), so the candidate
 * rows arrive here already doubled and biased.
 */
import type { NormSite } from '../../../ir/types.js';
import type { HeapOps, HeapTensor } from './heap.js';
import type { ColumnNorm } from './norms.js';

export interface ColumnCellCall {
  ops: HeapOps;
  units: number;
  /** `Uᵀ` `[G·u, u]`. */
  recurrentKernel: HeapTensor;
  /** The norm of a site over gate blocks `first … first + count − 1` (all by default), or the identity. */
  norm: (site: NormSite, first?: number, count?: number) => ColumnNorm;
  /** `[1, 1]` constants. */
  one: HeapTensor;
  two: HeapTensor;
  /** Zoneout probabilities `[1, 1]` (inference uses the expectation), or null when off. */
  zoneout: { cell: HeapTensor | null; hidden: HeapTensor | null };
  /** LSTM: whether the normalized cell state is carried. */
  carryNormalized: boolean;
  /** GRU: reset gate after the recurrent matmul. */
  resetAfter: boolean;
}

/** Step `t`: the projected input `Wᵀ·x_t` `[G·u, batch]` and the states `[u, batch]`, to the new states. */
export type ColumnStep = (t: number, projected: HeapTensor, states: HeapTensor[]) => HeapTensor[];

export interface ColumnCell {
  stateCount: number;
  create(call: ColumnCellCall): ColumnStep;
}

/** Rows `first·u …` of a `[rows, batch]` value, `count` blocks of `u` rows. */
function blocks(call: ColumnCellCall, value: HeapTensor, first: number, count: number): HeapTensor {
  const batch = value.shape[value.shape.length - 1];
  return call.ops.view(value, first * call.units * batch, [count * call.units, batch]);
}

/** 2σ(y) − 1: tanh(x) from y = 2x. */
function tanhOfDoubled(call: ColumnCellCall, doubled: HeapTensor): HeapTensor {
  const { ops } = call;
  return ops.sub(ops.mul(ops.sigmoid(doubled), call.two), call.one);
}

/** `next + p·(previous − next)`: zoneout's expectation at inference. */
function zoneout(call: ColumnCellCall, previous: HeapTensor, next: HeapTensor, probability: HeapTensor | null): HeapTensor {
  if (probability === null) return next;
  const { ops } = call;
  return ops.add(next, ops.mul(probability, ops.sub(previous, next)));
}

export const columnLstm: ColumnCell = {
  stateCount: 2,
  create: (call) => (t, projected, [h, c]) => {
    const { ops } = call;
    const recurrent = call.norm('recurrent')(ops.matMul(call.recurrentKernel, h), t);
    const gates = ops.sigmoid(call.norm('gates')(ops.add(call.norm('input')(projected, t), recurrent), t));
    const [i, f, doubledG, o] = [0, 1, 2, 3].map((block) => blocks(call, gates, block, 1));
    const g = ops.sub(ops.mul(doubledG, call.two), call.one);
    const cNew = ops.add(ops.mul(f, c), ops.mul(i, g));
    const cNormalized = call.norm('cell')(cNew, t);
    const hNew = call.norm('hidden')(ops.mul(o, tanhOfDoubled(call, ops.add(cNormalized, cNormalized))), t);
    const cCarried = call.carryNormalized ? cNormalized : cNew;
    return [zoneout(call, h, hNew, call.zoneout.hidden), zoneout(call, c, cCarried, call.zoneout.cell)];
  },
};

export const columnGru: ColumnCell = {
  stateCount: 1,
  create: (call) => (t, projected, [h]) => {
    const { ops } = call;
    const input = call.norm('input')(projected, t);
    let recurrentZr: HeapTensor;
    let candidateRecurrent: (r: HeapTensor) => HeapTensor;
    if (call.resetAfter) {
      const recurrent = call.norm('recurrent')(ops.matMul(call.recurrentKernel, h), t);
      recurrentZr = blocks(call, recurrent, 0, 2);
      candidateRecurrent = (r) => ops.mul(r, blocks(call, recurrent, 2, 1));
    } else {
      // U_h multiplies r ⊙ h, so the z, r blocks and the candidate's are separate matmuls.
      recurrentZr = call.norm('recurrent', 0, 2)(ops.matMul(blocks(call, call.recurrentKernel, 0, 2), h), t);
      const kernelH = blocks(call, call.recurrentKernel, 2, 1);
      candidateRecurrent = (r) => call.norm('recurrent', 2, 1)(ops.matMul(kernelH, ops.mul(r, h)), t);
    }
    const gates = ops.sigmoid(call.norm('gates', 0, 2)(ops.add(blocks(call, input, 0, 2), recurrentZr), t));
    const [z, r] = [0, 1].map((block) => blocks(call, gates, block, 1));
    const candidatePre = ops.add(blocks(call, input, 2, 1), candidateRecurrent(r));
    const candidate = tanhOfDoubled(call, call.norm('gates', 2, 1)(candidatePre, t));
    // z ⊙ h + (1 − z) ⊙ h̃ = h̃ + z ⊙ (h − h̃)
    const hNew = call.norm('hidden')(ops.add(candidate, ops.mul(z, ops.sub(h, candidate))), t);
    return [zoneout(call, h, hNew, call.zoneout.hidden)];
  },
};

export const columnRnn: ColumnCell = {
  stateCount: 1,
  create: (call) => (t, projected, [h]) => {
    const { ops } = call;
    const recurrent = call.norm('recurrent')(ops.matMul(call.recurrentKernel, h), t);
    const z = call.norm('gates')(ops.add(call.norm('input')(projected, t), recurrent), t);
    const hNew = call.norm('hidden')(tanhOfDoubled(call, z), t);
    return [zoneout(call, h, hNew, call.zoneout.hidden)];
  },
};

export const COLUMN_CELLS = { lstm: columnLstm, gru: columnGru, rnn: columnRnn } as const;
