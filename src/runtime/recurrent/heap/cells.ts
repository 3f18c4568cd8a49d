/**
 * One inference step of each cell for the heap loop, on row-layout values `[batch, width]` with buffers
 * made once per call. The equations are those of `cells/lstm.ts`, `cells/gru.ts` and `cells/rnn.ts` with
 * dropout at its inference value (the identity; zoneout its expectation). Gate blocks are cut apart by
 * one transpose `[batch, G, u] → [G, batch, u]`, after which each block is a view.
 *
 * tanh(x) is computed as 2σ(2x) − 1: the wasm backend's sigmoid is several times faster than its tanh. The
 * factor 2 of a candidate's pre-activation, and the bias, are folded by `run.ts` into the last affine map
 * before the nonlinearity (the input kernel, the recurrent kernel, or a norm's γ and β), so candidates
 * arrive here doubled and biased.
 */
import type { NormSite } from '../../../ir/types.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import type { HeapNorm } from './norms.js';

export interface HeapCellCall {
  kernels: HeapKernels;
  batch: number;
  units: number;
  /** `U` `[u, G·u]`, candidate columns doubled when no norm follows it. */
  recurrentKernel: HeapBuffer;
  /** GRU with the reset gate first: `U`'s z, r columns and candidate columns, apart. */
  recurrentKernelParts: { gates: HeapBuffer; candidate: HeapBuffer } | null;
  /** The norm of a site over gate blocks `first … first + count − 1` (all by default), or the identity. */
  norm: (site: NormSite, first?: number, count?: number) => HeapNorm;
  /** `[1, 1]` constants. */
  one: HeapBuffer;
  two: HeapBuffer;
  /** Zoneout probabilities `[1, 1]` (inference uses the expectation), or null when off. */
  zoneout: { cell: HeapBuffer | null; hidden: HeapBuffer | null };
  /** LSTM: whether the normalized cell state is carried. */
  carryNormalized: boolean;
}

/** Step `t`: the input term `N_in(x_t·W)` and the states `[batch, u]`, to the new states (cell buffers). */
export type HeapStep = (t: number, input: HeapBuffer, states: HeapBuffer[]) => HeapBuffer[];

export interface HeapCell {
  stateCount: number;
  create(call: HeapCellCall): HeapStep;
}

/** 2σ(y) − 1 = tanh(y / 2), into `out`. */
function tanhOfDoubled(call: HeapCellCall, out: HeapBuffer, doubled: HeapBuffer, scratch: HeapBuffer): HeapBuffer {
  const { kernels } = call;
  return kernels.sub(out, kernels.mul(scratch, kernels.sigmoid(scratch, doubled), call.two), call.one);
}

/** `next + p·(previous − next)`: zoneout's expectation at inference, into `out`. */
function zoneout(call: HeapCellCall, out: HeapBuffer, previous: HeapBuffer, next: HeapBuffer, probability: HeapBuffer | null, scratch: HeapBuffer): HeapBuffer {
  if (probability === null) return next;
  const { kernels } = call;
  return kernels.add(out, next, kernels.mul(scratch, probability, kernels.sub(scratch, previous, next)));
}

/** `[batch, G·u]` values cut into G blocks `[batch, u]`: a transpose into `blocks`, then views. */
function splitter(call: HeapCellCall, gates: number): { split: (value: HeapBuffer) => HeapBuffer[]; blocks: HeapBuffer } {
  const { kernels, batch, units } = call;
  const blocks = kernels.buffer([gates, batch, units]);
  const views = Array.from({ length: gates }, (_, g) => kernels.view(blocks, g * batch * units, [batch, units]));
  return {
    blocks,
    split: (value) => {
      kernels.transpose(blocks, kernels.reshape(value, [batch, gates, units]), [1, 0, 2]);
      return views;
    },
  };
}

export const heapLstm: HeapCell = {
  stateCount: 2,
  create(call) {
    const { kernels, batch, units } = call;
    const wide = () => kernels.buffer([batch, 4 * units]);
    const narrow = () => kernels.buffer([batch, units]);
    const [recurrent, sum, gates] = [wide(), wide(), wide()];
    const { split } = splitter(call, 4);
    const [g, cNew, doubled, squashed, hRaw, hOut, cOut, scratchA, scratchB] = Array.from({ length: 9 }, narrow);
    const norms = { recurrent: call.norm('recurrent'), gates: call.norm('gates'), cell: call.norm('cell'), hidden: call.norm('hidden') };
    return (t, input, [h, c]) => {
      const r = norms.recurrent(kernels.matMul(recurrent, h, call.recurrentKernel), t);
      const z = norms.gates(kernels.add(sum, input, r), t);
      const [i, f, doubledG, o] = split(kernels.sigmoid(gates, z));
      kernels.sub(g, kernels.mul(scratchA, doubledG, call.two), call.one);
      kernels.add(cNew, kernels.mul(scratchA, f, c), kernels.mul(scratchB, i, g));
      const cNormalized = norms.cell(cNew, t);
      tanhOfDoubled(call, squashed, kernels.add(doubled, cNormalized, cNormalized), scratchA);
      const hNew = norms.hidden(kernels.mul(hRaw, o, squashed), t);
      const cCarried = call.carryNormalized ? cNormalized : cNew;
      return [zoneout(call, hOut, h, hNew, call.zoneout.hidden, scratchA), zoneout(call, cOut, c, cCarried, call.zoneout.cell, scratchB)];
    };
  },
};

export const heapGru: HeapCell = {
  stateCount: 1,
  create(call) {
    const { kernels, batch, units } = call;
    const narrow = () => kernels.buffer([batch, units]);
    const inputBlocks = splitter(call, 3);
    const recurrentBlocks = splitter(call, call.recurrentKernelParts === null ? 3 : 2);
    const recurrent = kernels.buffer([batch, (call.recurrentKernelParts === null ? 3 : 2) * units]);
    const gatesSum = kernels.buffer([2, batch, units]);
    const gatesRows = kernels.buffer([batch, 2 * units]);
    const gatesBack = kernels.buffer([2, batch, units]);
    const gates = kernels.buffer([2, batch, units]);
    const [z, r] = [0, 1].map((g) => kernels.view(gates, g * batch * units, [batch, units]));
    const [candidateRecurrent, resetState, candidatePre, candidate, difference, hRaw, hOut, scratch] = Array.from({ length: 8 }, narrow);
    // With the reset gate first the recurrent site is normalized in two spans, else whole.
    const resetFirst = call.recurrentKernelParts !== null;
    const norms = {
      recurrent: resetFirst ? identityNorm : call.norm('recurrent'),
      recurrentGates: resetFirst ? call.norm('recurrent', 0, 2) : identityNorm,
      recurrentCandidate: resetFirst ? call.norm('recurrent', 2, 1) : identityNorm,
      gates: call.norm('gates', 0, 2),
      candidate: call.norm('gates', 2, 1),
      hidden: call.norm('hidden'),
    };
    const hasGatesNorm = norms.gates !== identityNorm;
    return (t, input, [h]) => {
      const [, , inputH] = inputBlocks.split(input);
      const inputZr = kernels.view(inputBlocks.blocks, 0, [2, batch, units]);
      let recurrentH: HeapBuffer | null = null;
      if (call.recurrentKernelParts === null) {
        [, , recurrentH] = recurrentBlocks.split(norms.recurrent(kernels.matMul(recurrent, h, call.recurrentKernel), t));
      } else {
        recurrentBlocks.split(norms.recurrentGates(kernels.matMul(recurrent, h, call.recurrentKernelParts.gates), t));
      }
      let zr = kernels.add(gatesSum, inputZr, kernels.view(recurrentBlocks.blocks, 0, [2, batch, units]));
      if (hasGatesNorm) {
        // The gates norm's statistics are per example, so it needs the row layout back.
        kernels.transpose(gatesRows, zr, [1, 0, 2]);
        zr = kernels.transpose(gatesBack, kernels.reshape(norms.gates(gatesRows, t), [batch, 2, units]), [1, 0, 2]);
      }
      kernels.sigmoid(gates, zr);
      if (recurrentH !== null) kernels.mul(candidateRecurrent, r, recurrentH);
      else if (call.recurrentKernelParts !== null) {
        const product = kernels.matMul(candidateRecurrent, kernels.mul(resetState, r, h), call.recurrentKernelParts.candidate);
        kernels.copy(candidateRecurrent, 0, norms.recurrentCandidate(product, t), 0, batch * units);
      }
      const pre = norms.candidate(kernels.add(candidatePre, inputH, candidateRecurrent), t);
      tanhOfDoubled(call, candidate, pre, scratch);
      // z ⊙ h + (1 − z) ⊙ h̃ = h̃ + z ⊙ (h − h̃)
      kernels.add(hRaw, candidate, kernels.mul(difference, z, kernels.sub(difference, h, candidate)));
      const hNew = norms.hidden(hRaw, t);
      return [zoneout(call, hOut, h, hNew, call.zoneout.hidden, scratch)];
    };
  },
};

export const heapRnn: HeapCell = {
  stateCount: 1,
  create(call) {
    const { kernels, batch, units } = call;
    const [recurrent, sum, hRaw, hOut, scratch] = Array.from({ length: 5 }, () => kernels.buffer([batch, units]));
    const norms = { recurrent: call.norm('recurrent'), gates: call.norm('gates'), hidden: call.norm('hidden') };
    return (t, input, [h]) => {
      const r = norms.recurrent(kernels.matMul(recurrent, h, call.recurrentKernel), t);
      const z = norms.gates(kernels.add(sum, input, r), t);
      const hNew = norms.hidden(tanhOfDoubled(call, hRaw, z, scratch), t);
      return [zoneout(call, hOut, h, hNew, call.zoneout.hidden, scratch)];
    };
  },
};

/** The norm returned for a site without one. */
export const identityNorm: HeapNorm = (value) => value;

export const HEAP_CELLS = { lstm: heapLstm, gru: heapGru, rnn: heapRnn } as const;
