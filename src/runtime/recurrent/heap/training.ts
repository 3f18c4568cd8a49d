/**
 * The fused op's training path on the wasm heap (see `heap.ts` for why the heap): the forward loop that
 * records what backpropagation needs and the backward loop through time, per step one backend matmul (h̃·U
 * forward, dz·Uᵀ backward, Uᵀ made once per call) and one compiled kernel (`assembly/train-<cell>.ts`),
 * then `dU = H̃ᵀ·dZ` as one large matmul. The input gradient is dZ itself (the op's input is `P`, already
 * `x·W + b`), handed to tfjs without a copy. The arithmetic is that of the fused loops in JavaScript
 * (`../fused/<cell>.ts`), which run wherever this path declines: another backend, no compiled kernels, or a
 * config it does not cover (`heapTrainingSupports`).
 */
import * as tf from '@tensorflow/tfjs';
import type { FusedCall, FusedResult } from '../fused/op.js';
import { fusedGru } from '../fused/gru.js';
import { fusedLstm } from '../fused/lstm.js';
import { fusedNormalizedLstm } from '../fused/lstm-norms.js';
import { fusedRnn } from '../fused/rnn.js';
import type { FusedCell, SiteSetup } from '../fused/types.js';
import type { NormSite } from '../../../ir/types.js';
import { batchNormBackward, batchNormForward, batchSiteStatistics, writeBatchSite } from './batch-sites.js';
import type { HeapBatchSite } from './batch-sites.js';
import { ACTIVATION_CODES } from './cells.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { heapTrainingKernels } from './kernels.js';
import { writeForm } from './norms.js';
import { LSTM_NORMS_FIELDS, SITE_FIELDS, TRAIN_FIELDS, writeStruct } from './structs.js';

/** How often the heap path ran, forward and backward: for tests and benchmarks to see it was taken. */
export const heapTrainingCounts = { forward: 0, backward: 0 };

/** The gradients of the op's inputs, as tensors in the order of `runFused`'s op. */
export interface HeapGradients {
  input: tf.Tensor;
  recurrentKernel: tf.Tensor;
  initial: tf.Tensor[];
  /** In the order of the op's extra parameters (`FusedCall.params`). */
  params: tf.Tensor[];
}

/** One layer call on the heap: the packed forward value and, once, its backward pass. */
export interface HeapTrainingRun {
  /** `[outputs (steps·batch rows, if kept); final states]` of `units` columns, as the fused op returns it. */
  packed: tf.Tensor;
  /** Batch-norm sites' statistics of each step, for the population update (as `FusedRun.statistics`). */
  statistics: FusedResult['statistics'];
  backward(packedGradient: tf.Tensor): HeapGradients;
  /** Frees the call's buffers without a backward pass (no gradient is being recorded). */
  dispose(): void;
}

/** A cell's loops on the heap, over the buffers of one call (`Recording`). */
interface HeapTrainingCell {
  /** Gate blocks of `z` (the input term's and dP's width in units). */
  blocks: number;
  /** Buffers the cell records per step besides the states (made before the forward loop). */
  record(r: Recording): void;
  /** The forward loop: states, recorded values, and each step's output where `out(t)` is not 0. */
  forward(r: Recording, out: (t: number) => number): void;
  /**
   * The backward loop, from `dStates` (the gradients at the final states; at the initial ones when it
   * returns) and the outputs' gradient (`outputGradient(t)`, 0 when outputs are not kept); returns dP and dU.
   */
  backward(r: Recording, dStates: HeapBuffer[], outputGradient: (t: number) => number): { input: HeapBuffer; recurrentKernel: HeapBuffer; params: HeapBuffer[] };
}

/** Buffers of one call, recorded by the forward loop for the backward one. */
interface Recording {
  kernels: HeapKernels;
  call: FusedCall;
  /** The `Train` struct's address. */
  train: number;
  steps: number;
  batch: number;
  units: number;
  /** `P` `[steps·batch, G·u]` (the op's input tensor, in place). */
  input: HeapBuffer;
  /** `U` `[u, G·u]` (the op's input tensor, in place: read during the forward loop only), and as a tensor. */
  kernel: HeapBuffer;
  recurrentKernel: tf.Tensor;
  /** `Uᵀ` `[G·u, u]`, made in the forward loop while U is at hand. */
  kernelT: HeapBuffer;
  /** Each state at every step, `[(steps + 1)·batch, u]`: row block 0 the initial state. */
  states: HeapBuffer[];
  /** h̃_{t−1} = h_{t−1} ⊙ recurrent mask `[batch, u]`, the left operand of h·U, written by each step for the next. */
  hMasked: HeapBuffer;
  /** The activated gates `[steps·batch, G·u]`. */
  gates: HeapBuffer;
  /** The LSTM's tanh(c'), the GRU's reset term: `[steps·batch, u]` (null where the cell has none). */
  extra: HeapBuffer | null;
  /** Norms inside the loop (null for the plain cells). */
  sites: LoopSites | null;
}

/** The norm sites of a call: the cell's struct of them (`LstmNorms`) and the parameters' gradient buffers. */
interface LoopSites {
  struct: number;
  /** The sites with batch norm (run between the step's phases), by site. */
  batch: Partial<Record<NormSite, HeapBatchSite>>;
  /** `[3·batch, u]`: the struct's scratch blocks (c', ĉ, h' forward), where the batch norms of cell and hidden work. */
  scratch: HeapBuffer;
  /** `[batch, 4u]`: N_in(P_t) under an input batch norm (P itself is the op's input, left alone). */
  normalizedInput: HeapBuffer | null;
  /** In the order of `FusedCall.params`: the bias's (when the loop adds it), then γ's (and β's) of each site. */
  gradients: HeapBuffer[];
}

const addressOf = (r: Recording, buffer: HeapBuffer | null, offset = 0) => (buffer === null ? 0 : r.kernels.address(buffer, offset));

/** `[rows, columns]` views of consecutive blocks of a buffer, one per step: the steps' matmul operands. */
function stepViews(r: Recording, buffer: HeapBuffer, columns: number): HeapBuffer[] {
  return Array.from({ length: r.steps }, (_, t) => r.kernels.view(buffer, t * r.batch * columns, [r.batch, columns]));
}

/** dU = H̃ᵀ·dR for the recorded states (recurrent mask applied) and the gradient `dR` of their products with U. */
function kernelGradient(r: Recording, left: HeapBuffer, dRecurrent: HeapBuffer, masked: boolean): HeapBuffer {
  const { kernels, units, steps, batch } = r;
  const columns = dRecurrent.shape[1];
  const transposed = kernels.buffer([units, steps * batch]);
  kernels.cells.transposeRows(r.train, kernels.address(transposed), kernels.address(left), steps * batch, units, masked ? 1 : 0);
  return kernels.matMul(kernels.buffer([units, columns]), transposed, dRecurrent);
}

/**
 * The cells whose step is `z = P_t + h̃_{t−1}·U` then one kernel (LSTM, simple RNN): per step one matmul
 * and one kernel call each way; the kernel of step t adds dz_{t+1}·Uᵀ to dh first.
 */
function singleProductCell(
  blocks: number,
  extra: boolean,
  forwardStep: (r: Recording, t: number, recurrent: HeapBuffer, out: number) => void,
  backwardStep: (r: Recording, t: number, outputGradient: number, recurrent: number, dStates: HeapBuffer[], dz: number) => void,
): HeapTrainingCell {
  return {
    blocks,
    record(r) {
      r.extra = extra ? r.kernels.buffer([r.steps * r.batch, r.units]) : null;
    },
    forward(r, out) {
      const recurrent = r.kernels.buffer([r.batch, blocks * r.units]);
      for (let t = 0; t < r.steps; t += 1) {
        r.kernels.matMul(recurrent, r.hMasked, r.kernel);
        forwardStep(r, t, recurrent, out(t));
      }
    },
    backward(r, dStates, outputGradient) {
      const { kernels, batch, units } = r;
      const width = blocks * units;
      const dz = kernels.buffer([r.steps * batch, width]);
      const recurrent = kernels.buffer([batch, units]);
      const views = stepViews(r, dz, width);
      for (let t = r.steps - 1; t >= 0; t -= 1) {
        backwardStep(r, t, outputGradient(t), t === r.steps - 1 ? 0 : kernels.address(recurrent), dStates, kernels.address(dz, t * batch * width));
        kernels.matMul(recurrent, views[t], r.kernelT);
      }
      kernels.cells.addRecurrentGradient(r.train, kernels.address(dStates[0]), kernels.address(recurrent));
      return { input: dz, recurrentKernel: kernelGradient(r, r.states[0], dz, true), params: [] };
    },
  };
}

const lstm = singleProductCell(
  4,
  true,
  (r, t, recurrent, out) => {
    const size = r.batch * r.units;
    const [h, c] = r.states;
    const a = (buffer: HeapBuffer | null, offset: number) => addressOf(r, buffer, offset);
    // Arguments written out, not spread from arrays: this runs once per step.
    r.kernels.cells.lstmForward(
      r.train, t, a(r.input, t * 4 * size), a(recurrent, 0),
      a(h, t * size), a(c, t * size), a(h, (t + 1) * size), a(c, (t + 1) * size),
      a(r.gates, t * 4 * size), a(r.extra, t * size), out, a(r.hMasked, 0),
    );
  },
  (r, t, outputGradient, recurrent, [dh, dc], dz) => {
    const size = r.batch * r.units;
    const a = (buffer: HeapBuffer | null, offset: number) => addressOf(r, buffer, offset);
    r.kernels.cells.lstmBackward(r.train, t, a(r.gates, t * 4 * size), a(r.extra, t * size), a(r.states[1], t * size), outputGradient, recurrent, a(dh, 0), a(dc, 0), dz);
  },
);

const rnn = singleProductCell(
  1,
  false,
  (r, t, recurrent, out) => {
    const size = r.batch * r.units;
    const h = r.states[0];
    const a = (buffer: HeapBuffer, offset: number) => addressOf(r, buffer, offset);
    r.kernels.cells.rnnForward(r.train, t, a(r.input, t * size), a(recurrent, 0), a(h, t * size), a(h, (t + 1) * size), a(r.gates, t * size), out, a(r.hMasked, 0));
  },
  (r, t, outputGradient, recurrent, [dh], dz) => {
    const size = r.batch * r.units;
    r.kernels.cells.rnnBackward(r.train, t, addressOf(r, r.gates, t * size), outputGradient, recurrent, addressOf(r, dh), dz);
  },
);

/**
 * The GRU: reset after, one product h̃·U `[batch, 3u]` per step each way, like the cells above; reset first,
 * two each way, h̃·U_zr and then (r ⊙ h̃)·U_h forward, dc·U_hᵀ and then d[z, r]·U_zrᵀ backward. U_zrᵀ and U_hᵀ
 * are row blocks of Uᵀ (views); U_zr and U_h, column blocks of U, are split off by tfjs once per call.
 */
const gru: HeapTrainingCell = {
  blocks: 3,
  record(r) {
    r.extra = r.kernels.buffer([r.steps * r.batch, r.units]);
  },
  forward(r, out) {
    const { kernels, batch, units, steps } = r;
    const size = batch * units;
    const resetAfter = r.call.resetAfter;
    const recurrent = kernels.buffer([batch, (resetAfter ? 3 : 2) * units]);
    const candidateRecurrent = resetAfter ? null : kernels.buffer([batch, units]);
    const parts = resetAfter ? null : tf.split(r.recurrentKernel, [2 * units, units], 1);
    const [kernelZr, kernelH] = parts === null ? [r.kernel, r.kernel] : parts.map((part) => kernels.tensor(part));
    const resetTerms = resetAfter ? [] : stepViews(r, r.extra as HeapBuffer, units);
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    for (let t = 0; t < steps; t += 1) {
      kernels.matMul(recurrent, r.hMasked, resetAfter ? r.kernel : kernelZr);
      const [input, gates, resetTerm, h] = [a(r.input, t * 3 * size), a(r.gates, t * 3 * size), a(r.extra, t * size), r.states[0]];
      kernels.cells.gruGatesForward(r.train, t, input, a(recurrent), resetAfter ? 1 : 0, a(r.hMasked), gates, resetTerm);
      if (candidateRecurrent !== null) kernels.matMul(candidateRecurrent, resetTerms[t], kernelH);
      kernels.cells.gruStateForward(r.train, t, input, a(candidateRecurrent), gates, resetTerm, a(h, t * size), a(h, (t + 1) * size), out(t), a(r.hMasked));
    }
    tf.dispose(parts ?? []);
  },
  backward(r, [dh], outputGradient) {
    const { kernels, batch, units, steps } = r;
    const size = batch * units;
    const resetAfter = r.call.resetAfter;
    const recurrentWidth = (resetAfter ? 3 : 2) * units;
    const dInput = kernels.buffer([steps * batch, 3 * units]);
    const dRecurrent = kernels.buffer([steps * batch, recurrentWidth]);
    const dCandidate = resetAfter ? null : kernels.buffer([steps * batch, units]);
    const dResetProduct = kernels.buffer([batch, units]);
    const recurrent = kernels.buffer([batch, units]);
    const views = stepViews(r, dRecurrent, recurrentWidth);
    const candidateViews = dCandidate === null ? [] : stepViews(r, dCandidate, units);
    const kernelZrT = kernels.view(r.kernelT, 0, [2 * units, units]);
    const kernelHT = kernels.view(r.kernelT, 2 * units * units, [units, units]);
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    const h = r.states[0];
    for (let t = steps - 1; t >= 0; t -= 1) {
      const gates = a(r.gates, t * 3 * size);
      const dInputRow = a(dInput, t * 3 * size);
      const dRecurrentRow = a(dRecurrent, t * batch * recurrentWidth);
      kernels.cells.gruStateBackward(
        r.train, t, gates, a(r.extra, t * size), a(h, t * size), outputGradient(t), t === steps - 1 ? 0 : a(recurrent),
        resetAfter ? 1 : 0, a(dh), dInputRow, dRecurrentRow, a(dCandidate, t * size),
      );
      if (!resetAfter) {
        kernels.matMul(dResetProduct, candidateViews[t], kernelHT);
        kernels.cells.gruResetBackward(r.train, gates, a(h, t * size), a(dResetProduct), a(dh), dInputRow, dRecurrentRow);
      }
      kernels.matMul(recurrent, views[t], resetAfter ? r.kernelT : kernelZrT);
    }
    kernels.cells.addRecurrentGradient(r.train, a(dh), a(recurrent));
    if (resetAfter) return { input: dInput, recurrentKernel: kernelGradient(r, h, dRecurrent, true), params: [] };
    // Reset first: dU's z, r columns from H̃ᵀ·d[z, r], its h columns from (r ⊙ h̃)ᵀ·dc, side by side.
    const zr = kernels.floats(kernelGradient(r, h, dRecurrent, true)).slice();
    const candidate = kernels.floats(kernelGradient(r, r.extra as HeapBuffer, dCandidate as HeapBuffer, false)).slice();
    const recurrentKernel = kernels.buffer([units, 3 * units]);
    const values = kernels.floats(recurrentKernel);
    for (let i = 0; i < units; i += 1) {
      values.set(zr.subarray(i * 2 * units, (i + 1) * 2 * units), i * 3 * units);
      values.set(candidate.subarray(i * units, (i + 1) * units), i * 3 * units + 2 * units);
    }
    return { input: dInput, recurrentKernel, params: [] };
  },
};

/**
 * Whether a site inside the loop is one the kernels normalize: layer or RMS norm (statistics per example;
 * at the input site those run before the op), or batch norm with per-step statistics at any site.
 */
function coveredSite(setup: SiteSetup): boolean {
  return setup.form.statistics === 'batch' || setup.site !== 'input';
}

/**
 * The struct of each norm inside the loop, from `FusedCall.sites` and `.params`: a layer or RMS norm's `Site`
 * (its `Norm` span with γ and β, the buffers recording x̂ and 1/σ, zeroed gradients of γ and β), a batch
 * norm's `BatchSite` (`batch-sites.ts`); and the cell's struct of them.
 */
function writeSites(r: Recording): LoopSites {
  const { kernels, call, steps, batch, units } = r;
  const zeros = (tensor: tf.Tensor) => kernels.constant(new Float32Array(tensor.size), [...tensor.shape]);
  const hasBias = call.params.length > call.sites.reduce((count, setup) => count + (setup.norm.center ? 2 : 1), 0);
  const gradients: HeapBuffer[] = hasBias ? [zeros(call.params[0])] : [];
  const sites: Partial<Record<NormSite, number>> = {};
  const batchSites: LoopSites['batch'] = {};
  let next = hasBias ? 1 : 0;
  for (const setup of call.sites) {
    const gamma = call.params[next++];
    const beta = setup.norm.center ? call.params[next++] : null;
    const [dGamma, dBeta] = [zeros(gamma), beta === null ? null : zeros(beta)];
    gradients.push(dGamma, ...(dBeta === null ? [] : [dBeta]));
    if (setup.form.statistics === 'batch') {
      batchSites[setup.site] = writeBatchSite(kernels, setup, { gamma, beta, dGamma, dBeta }, steps, batch);
      continue;
    }
    const values = (tensor: tf.Tensor | null) => (tensor === null ? null : (tensor.dataSync() as Float32Array));
    const form = { form: 'statistics' as const, center: setup.form.subtractMean, gamma: values(gamma) as Float32Array, beta: values(beta), epsilon: setup.norm.epsilon };
    sites[setup.site] = writeStruct(kernels, SITE_FIELDS, {
      norm: writeForm(kernels, form, setup.groupIds),
      normalized: kernels.address(kernels.buffer([steps * batch, setup.groupIds.length * units])),
      inverse: kernels.address(kernels.buffer([steps * batch, new Set(setup.groupIds).size])),
      dGamma: kernels.address(dGamma),
      dBeta: addressOf(r, dBeta),
    });
  }
  const scratch = kernels.buffer([3 * batch, units]);
  const struct = writeStruct(kernels, LSTM_NORMS_FIELDS, {
    ...{ recurrent: sites.recurrent ?? 0, gates: sites.gates ?? 0, cell: sites.cell ?? 0, hidden: sites.hidden ?? 0 },
    bias: hasBias ? kernels.address(kernels.tensor(call.params[0])) : 0,
    dBias: hasBias ? kernels.address(gradients[0]) : 0,
    carry: call.sites.some((setup) => setup.site === 'cell' && setup.norm.carry) ? 1 : 0,
    cellNormalized: call.sites.some((setup) => setup.site === 'cell') ? 1 : 0,
    scratch: kernels.address(scratch),
  });
  const normalizedInput = batchSites.input === undefined ? null : kernels.buffer([batch, 4 * units]);
  return { struct, gradients, batch: batchSites, scratch, normalizedInput };
}

/**
 * The LSTM with norms inside the loop: as the plain one, with dP and the recurrent product's gradient apart.
 * Without batch norm one kernel call a step each way; with it the step's phases (`assembly/train-lstm-norms.ts`)
 * one by one, each batch-normalized site between two of them.
 */
const normalizedLstm: HeapTrainingCell = {
  blocks: 4,
  record(r) {
    r.extra = r.kernels.buffer([r.steps * r.batch, r.units]);
    r.sites = writeSites(r);
  },
  forward(r, out) {
    const { kernels, batch, units } = r;
    const size = batch * units;
    const [h, c] = r.states;
    const sites = r.sites as LoopSites;
    const phased = Object.keys(sites.batch).length > 0;
    const recurrent = kernels.buffer([batch, 4 * units]);
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    for (let t = 0; t < r.steps; t += 1) {
      kernels.matMul(recurrent, r.hMasked, r.kernel);
      const args = { input: a(r.input, t * 4 * size), recurrent: a(recurrent), h: a(h, t * size), c: a(c, t * size), gates: a(r.gates, t * 4 * size), cellTanh: a(r.extra, t * size) };
      if (phased) {
        normalizedLstmPhases(r, sites, t, args, { hNext: a(h, (t + 1) * size), cNext: a(c, (t + 1) * size), out: out(t), hMasked: a(r.hMasked) });
        continue;
      }
      kernels.cells.lstmNormsForward(
        r.train, sites.struct, t, args.input, args.recurrent, args.h, args.c,
        a(h, (t + 1) * size), a(c, (t + 1) * size), args.gates, args.cellTanh, out(t), a(r.hMasked),
      );
    }
  },
  backward(r, [dh, dc], outputGradient) {
    const { kernels, batch, units, steps } = r;
    const size = batch * units;
    const width = 4 * units;
    const sites = r.sites as LoopSites;
    const phased = Object.keys(sites.batch).length > 0;
    const dInput = kernels.buffer([steps * batch, width]);
    const dRecurrent = kernels.buffer([steps * batch, width]);
    const recurrent = kernels.buffer([batch, units]);
    const views = stepViews(r, dRecurrent, width);
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    for (let t = steps - 1; t >= 0; t -= 1) {
      const args = {
        ...{ gates: a(r.gates, t * 4 * size), cellTanh: a(r.extra, t * size), c: a(r.states[1], t * size), outputGradient: outputGradient(t) },
        ...{ recurrent: t === steps - 1 ? 0 : a(recurrent), dh: a(dh), dc: a(dc), dInput: a(dInput, t * batch * width), dz: a(dRecurrent, t * batch * width) },
      };
      if (phased) normalizedLstmBackwardPhases(r, sites, t, args);
      else kernels.cells.lstmNormsBackward(r.train, sites.struct, t, args.gates, args.cellTanh, args.c, args.outputGradient, args.recurrent, args.dh, args.dc, args.dInput, args.dz);
      kernels.matMul(recurrent, views[t], r.kernelT);
    }
    kernels.cells.addRecurrentGradient(r.train, a(dh), a(recurrent));
    return { input: dInput, recurrentKernel: kernelGradient(r, r.states[0], dRecurrent, true), params: sites.gradients };
  },
};

/**
 * One forward step of the normalized LSTM in phases, each batch norm between two (addresses of step t's
 * rows): N_in(P_t) and N_rec(h̃·U) before the sum z, N_gates(z) before the gates, N_cell(c') into scratch
 * block 1 before tanh ĉ, N_hidden(o ⊙ tanh ĉ) in block 2 before the states.
 */
function normalizedLstmPhases(
  r: Recording,
  sites: LoopSites,
  t: number,
  step: { input: number; recurrent: number; h: number; c: number; gates: number; cellTanh: number },
  next: { hNext: number; cNext: number; out: number; hMasked: number },
): void {
  const { kernels, train } = r;
  const { cells } = kernels;
  const block = (index: number) => kernels.address(sites.scratch, index * r.batch * r.units);
  const normalize = (site: NormSite, values: number, out: number) => {
    const batchSite = sites.batch[site];
    if (batchSite !== undefined) batchNormForward(kernels, train, batchSite, t, values, out);
  };
  const input = sites.normalizedInput === null ? step.input : kernels.address(sites.normalizedInput);
  normalize('input', step.input, input);
  normalize('recurrent', step.recurrent, step.recurrent);
  cells.lstmNormsSum(train, sites.struct, t, input, step.recurrent);
  normalize('gates', step.recurrent, step.recurrent);
  cells.lstmNormsActivate(train, sites.struct, t, step.recurrent, step.c, step.gates);
  normalize('cell', block(0), block(1));
  cells.lstmNormsCell(train, sites.struct, t, step.gates, step.cellTanh);
  normalize('hidden', block(2), block(2));
  cells.lstmNormsState(train, sites.struct, t, step.h, step.c, next.hNext, next.cNext, next.out, next.hMasked);
}

/** One backward step of the normalized LSTM in phases, the forward's in reverse, each batch norm's gradient between two. */
function normalizedLstmBackwardPhases(
  r: Recording,
  sites: LoopSites,
  t: number,
  step: { gates: number; cellTanh: number; c: number; outputGradient: number; recurrent: number; dh: number; dc: number; dInput: number; dz: number },
): void {
  const { kernels, train } = r;
  const { cells } = kernels;
  const block0 = kernels.address(sites.scratch);
  const through = (site: NormSite, gradient: number) => {
    const batchSite = sites.batch[site];
    if (batchSite !== undefined) batchNormBackward(kernels, train, batchSite, t, gradient, gradient);
  };
  cells.lstmNormsStateBackward(train, sites.struct, t, step.outputGradient, step.recurrent, step.dh, step.dc);
  through('hidden', block0);
  cells.lstmNormsCellBackward(train, sites.struct, t, step.gates, step.cellTanh, step.dz);
  through('cell', block0);
  cells.lstmNormsActivateBackward(train, sites.struct, t, step.gates, step.c, step.dc, step.dz);
  through('gates', step.dz);
  cells.lstmNormsSumBackward(train, sites.struct, t, step.dz, step.dInput);
  through('recurrent', step.dz);
  through('input', step.dInput);
}

/** The fused cells that have a heap training loop. */
const HEAP_TRAINING_CELLS = new Map<FusedCell, HeapTrainingCell>([
  [fusedLstm, lstm],
  [fusedGru, gru],
  [fusedRnn, rnn],
  [fusedNormalizedLstm, normalizedLstm],
]);

/**
 * Whether the heap path covers this fused call: a cell with a heap training loop; for the plain cells no norm
 * inside the loop (nor the op parameters that come with them), for the normalized LSTM the sites of
 * `coveredSite`; gates the kernels differentiate; and a backward pass to record for.
 */
export function heapTrainingSupports(call: FusedCall): boolean {
  const gatesOk = call.gateActivation === 'sigmoid' || call.gateActivation === 'hard_sigmoid';
  const normalized = call.cell === fusedNormalizedLstm;
  const sitesOk = normalized ? call.sites.length > 0 && call.sites.every(coveredSite) : call.sites.length === 0 && call.params.length === 0;
  return call.record && call.steps > 0 && HEAP_TRAINING_CELLS.has(call.cell) && sitesOk && gatesOk;
}

/** The heap training run of this call, or null where it declines (the caller then runs the JS loops). */
export function heapTrainingRun(call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): HeapTrainingRun | null {
  const cell = HEAP_TRAINING_CELLS.get(call.cell);
  if (cell === undefined || !heapTrainingSupports(call)) return null;
  const kernels = heapTrainingKernels();
  if (kernels === null) return null;
  try {
    return runForward(kernels, cell, call, input, recurrentKernel, initial);
  } catch (error) {
    kernels.dispose();
    throw error;
  }
}

/** A step mask of `FusedCall.stepMasks` on the heap as the kernels read it: an address and a per-step stride. */
function stepMask(kernels: HeapKernels, mask: tf.Tensor | number | null, steps: number, size: number): { address: number; stride: number } {
  if (mask === null) return { address: 0, stride: 0 };
  // A probability (zoneout's expectation) is the same factor everywhere: one `[size]` row of it.
  const values = typeof mask === 'number' ? new Float32Array(size).fill(mask) : (mask.dataSync() as Float32Array);
  if (values.length !== size && values.length !== steps * size) throw new Error(`SeqnetRecurrent: a step mask of ${values.length} values, not ${size} or ${steps * size}`);
  return { address: kernels.address(kernels.constant(values, [values.length])), stride: values.length === size ? 0 : size };
}

function writeTrain(kernels: HeapKernels, call: FusedCall): number {
  const { steps, batch, units } = call;
  const size = batch * units;
  const floats = (tensor: tf.Tensor | null) => (tensor === null ? 0 : kernels.address(kernels.constant(tensor.dataSync() as Float32Array, [tensor.size])));
  const candidate = stepMask(kernels, call.stepMasks.candidate, steps, size);
  const zoneoutCell = stepMask(kernels, call.stepMasks.zoneoutCell, steps, size);
  const zoneoutHidden = stepMask(kernels, call.stepMasks.zoneoutHidden, steps, size);
  return writeStruct(kernels, TRAIN_FIELDS, {
    batch,
    units,
    gateActivation: ACTIVATION_CODES[call.gateActivation],
    forgetConstant: call.forgetConstant,
    mask: floats(call.mask),
    recurrentMask: floats(call.recurrentMask),
    candidate: candidate.address,
    candidateStride: candidate.stride,
    zoneoutCell: zoneoutCell.address,
    zoneoutCellStride: zoneoutCell.stride,
    zoneoutHidden: zoneoutHidden.address,
    zoneoutHiddenStride: zoneoutHidden.stride,
  });
}

/** The forward loop, recording; its result's `backward` runs the backward loop and frees the buffers. */
function runForward(kernels: HeapKernels, cell: HeapTrainingCell, call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): HeapTrainingRun {
  const { steps, batch, units, keepOutputs } = call;
  const size = batch * units;
  const width = cell.blocks * units;
  const recording: Recording = {
    ...{ kernels, call, steps, batch, units, recurrentKernel },
    train: writeTrain(kernels, call),
    input: kernels.tensor(input),
    kernel: kernels.tensor(recurrentKernel),
    kernelT: kernels.buffer([width, units]),
    states: initial.map(() => kernels.buffer([(steps + 1) * batch, units])),
    hMasked: kernels.buffer([batch, units]),
    gates: kernels.buffer([steps * batch, width]),
    extra: null,
    sites: null,
  };
  cell.record(recording);
  // Outputs and final states are written where the packed value wants them, and handed over without a copy.
  const packed = kernels.buffer([(keepOutputs ? steps * batch : 0) + initial.length * batch, units]);
  // The heap may grow with each allocation: copy the initial states only once every buffer exists.
  recording.states.forEach((state, s) => kernels.floats(state).set(kernels.floats(kernels.tensor(initial[s])), 0));
  kernels.cells.maskState(recording.train, kernels.address(recording.hMasked), kernels.address(recording.states[0]));
  kernels.cells.transposeRows(recording.train, kernels.address(recording.kernelT), kernels.address(recording.kernel), units, width, 0);
  cell.forward(recording, (t) => (keepOutputs ? kernels.address(packed, t * size) : 0));
  const finalStates = kernels.floats(packed).subarray(keepOutputs ? steps * size : 0);
  recording.states.forEach((state, s) => finalStates.set(kernels.floats(state).subarray(steps * size), s * size));
  heapTrainingCounts.forward += 1;
  const batchSites = recording.sites === null ? [] : Object.values(recording.sites.batch);
  const run: HeapTrainingRun = {
    packed: kernels.adopt(packed),
    statistics: batchSiteStatistics(kernels, batchSites, steps),
    backward: (gradient) => {
      try {
        return runBackward(recording, cell, kernels.tensor(gradient));
      } finally {
        kernels.dispose();
      }
    },
    dispose: () => kernels.dispose(),
  };
  unreleased.register(run, kernels);
  return run;
}

/**
 * A run recorded under a tape whose gradient never reaches this op (its output unused by the loss) gets no
 * backward pass: its buffers are freed once the tape lets go of it. (`dispose` is idempotent.)
 */
const unreleased = new FinalizationRegistry<HeapKernels>((kernels) => {
  try {
    kernels.dispose();
  } catch {
    // The backend was disposed meanwhile, and its memory with it.
  }
});

/** Backpropagation through time (the cell's loop), from the gradient of the packed value; frees nothing. */
function runBackward(r: Recording, cell: HeapTrainingCell, gradient: HeapBuffer): HeapGradients {
  const { kernels, steps, batch, units } = r;
  const size = batch * units;
  const outputRows = r.call.keepOutputs ? steps * size : 0;
  const dStates = r.states.map(() => kernels.buffer([batch, units]));
  dStates.forEach((dState, s) => kernels.floats(dState).set(kernels.floats(gradient).subarray(outputRows + s * size, outputRows + (s + 1) * size)));
  const { input, recurrentKernel, params } = cell.backward(r, dStates, (t) => (r.call.keepOutputs ? kernels.address(gradient, t * size) : 0));
  heapTrainingCounts.backward += 1;
  const adopt = (buffer: HeapBuffer) => kernels.adopt(buffer);
  return { input: adopt(input), recurrentKernel: adopt(recurrentKernel), initial: dStates.map(adopt), params: params.map(adopt) };
}
