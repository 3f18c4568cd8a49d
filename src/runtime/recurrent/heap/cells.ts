/**
 * Each cell's inference step for the heap loop: the recurrent matmul(s) by the backend's kernel, then the
 * compiled kernel of `assembly/cells.ts` for everything else (norms, gates, state update, zoneout's
 * expectation, mask, output). The layer call's constants are the `Cell` struct written by `writeCell`.
 */
import type { Activation } from '../../../ir/types.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { CELL_FIELDS, writeStruct } from './structs.js';

/** The activations the kernels compute, with their codes in `assembly/math.ts` (`activate4`). */
export const ACTIVATION_CODES = {
  tanh: 0,
  sigmoid: 1,
  hard_sigmoid: 2,
  relu: 3,
  linear: 4,
  elu: 5,
  selu: 6,
  softsign: 7,
  swish: 8,
} as const satisfies Partial<Record<Activation, number>>;

/** The code of an activation, or undefined when the kernels do not compute it. */
export function activationCode(activation: Activation): number | undefined {
  return (ACTIVATION_CODES as Partial<Record<Activation, number>>)[activation];
}

/** The `Cell` struct of `assembly/cells.ts`; norm fields are `Norm` struct addresses, 0 for none. */
export interface CellFields {
  batch: number;
  units: number;
  /** Codes from `ACTIVATION_CODES`: the candidate's (and LSTM cell output's) activation, and the gates'. */
  activation: number;
  gateActivation: number;
  resetAfter: boolean;
  carryNormalized: boolean;
  /** `[G·u]` (the LSTM's forget constant added), or null. */
  bias: Float32Array | null;
  recurrentNorm: number;
  candidateRecurrentNorm: number;
  gatesNorm: number;
  candidateGatesNorm: number;
  cellNorm: number;
  hiddenNorm: number;
  zoneoutHidden: number;
  zoneoutCell: number;
  /** Floats from one example's output to the next. */
  outputStride: number;
}

/** Writes the struct (fields in the order of `CELL_FIELDS`), with a scratch row of 4·u floats. */
export function writeCell(kernels: HeapKernels, cell: CellFields): number {
  return writeStruct(kernels, CELL_FIELDS, {
    ...cell,
    resetAfter: cell.resetAfter ? 1 : 0,
    carryNormalized: cell.carryNormalized ? 1 : 0,
    bias: cell.bias === null ? 0 : kernels.address(kernels.constant(cell.bias, [cell.bias.length])),
    scratch: kernels.address(kernels.buffer([4, cell.units])),
  });
}

export interface HeapStepCall {
  kernels: HeapKernels;
  /** The `Cell` struct's address. */
  cell: number;
  batch: number;
  units: number;
  /** `U` `[u, G·u]`; a GRU with the reset gate first has its z, r columns and candidate columns apart. */
  recurrentKernel: HeapBuffer;
  recurrentKernelParts: { gates: HeapBuffer; candidate: HeapBuffer } | null;
}

/**
 * Step `t`: the input term's address (`[batch, G·u]`), the states (updated in place), the address of the
 * step's mask values (`[batch]`) and of its outputs (0 for none).
 */
export type HeapStep = (t: number, input: number, states: HeapBuffer[], mask: number, out: number) => void;

export interface HeapCell {
  create(call: HeapStepCall): HeapStep;
}

export const heapLstm: HeapCell = {
  create({ kernels, cell, batch, units, recurrentKernel }) {
    const recurrent = kernels.buffer([batch, 4 * units]);
    return (t, input, [h, c], mask, out) => {
      kernels.matMul(recurrent, h, recurrentKernel);
      kernels.cells.lstmStep(cell, t, input, kernels.address(recurrent), kernels.address(h), kernels.address(c), mask, out);
    };
  },
};

export const heapGru: HeapCell = {
  create({ kernels, cell, batch, units, recurrentKernel, recurrentKernelParts: parts }) {
    // Reset after: one product h·U. Reset first: h·U_zr, then (r ⊙ h)·U_h once the gates are known.
    const recurrent = kernels.buffer([batch, (parts === null ? 3 : 2) * units]);
    const gates = kernels.buffer([batch, 2 * units]);
    const resetState = kernels.buffer([batch, units]);
    const candidateRecurrent = parts === null ? recurrent : kernels.buffer([batch, units]);
    return (t, input, [h], mask, out) => {
      kernels.matMul(recurrent, h, parts === null ? recurrentKernel : parts.gates);
      kernels.cells.gruGates(cell, t, input, kernels.address(recurrent), kernels.address(h), kernels.address(gates), kernels.address(resetState));
      if (parts !== null) kernels.matMul(candidateRecurrent, resetState, parts.candidate);
      kernels.cells.gruCandidate(cell, t, input, kernels.address(candidateRecurrent), kernels.address(gates), kernels.address(h), mask, out);
    };
  },
};

export const heapRnn: HeapCell = {
  create({ kernels, cell, batch, units, recurrentKernel }) {
    const recurrent = kernels.buffer([batch, units]);
    return (t, input, [h], mask, out) => {
      kernels.matMul(recurrent, h, recurrentKernel);
      kernels.cells.rnnStep(cell, t, input, kernels.address(recurrent), kernels.address(h), mask, out);
    };
  },
};
