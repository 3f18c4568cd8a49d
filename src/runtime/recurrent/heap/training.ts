/**
 * The fused op's training path on the wasm heap (see `heap.ts` for why): the forward loop that
 * records what backpropagation needs and the backward loop through time, per step one backend matmul (h̃·U
 * forward, dz·Uᵀ backward, Uᵀ made once per call) and one compiled kernel (`assembly/train-<cell>.ts`),
 * then `dU = H̃ᵀ·dZ` as one large matmul. The input gradient is dZ itself (the op's input is `P`, already
 * `x·W + b`), handed to tfjs without a copy. The arithmetic is that of the fused loops in JavaScript
 * (`../fused/<cell>.ts`), which run wherever this path declines: another backend, no compiled kernels, or a
 * config it does not cover (`heapTrainingSupports`). Which fused loops have a heap loop is declared by the
 * cells' descriptors (`heapTraining` in `../cells/registry.ts`), which hand it to the op with the call.
 */
import * as tf from '@tensorflow/tfjs';
import type { FusedCall, FusedResult } from '../fused/op.js';
import type { SiteSetup } from '../fused/types.js';
import type { FusedNormForm } from '../norms/types.js';
import type { NormSite } from '../../../ir/types.js';
import { batchNormBackward, batchNormForward, batchSiteStatistics, batchSpan } from './batch-sites.js';
import type { HeapBatchSite } from './batch-sites.js';
import { ACTIVATION_CODES } from './cells.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { heapTrainingKernels } from './kernels.js';
import { LSTM_NORMS_FIELDS, RNN_NORMS_FIELDS, TRAIN_FIELDS, writeStruct } from './structs.js';
import { writeLoopSites } from './training-sites.js';

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
export interface HeapTrainingCell {
  /**
   * The norm statistics its loop computes inside (`FusedNormForm`): none for a plain loop (the calls it takes
   * carry no sites, nor the bias among the op's parameters); per example (layer, RMS norm) for a normalized
   * one; per batch (batch norm, per step) where the step kernel is split into phases, so that the batch sums
   * can be reduced across shards between them (the normalized LSTM's, GRU's and simple RNN's). The one
   * declaration of what each cell's heap loop covers, read by `heapTrainingSupports`.
   */
  normStatistics: readonly NormStatistics[];
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
export interface Recording {
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

export type NormStatistics = FusedNormForm['statistics'];

/** The norm sites of a call: the cell's struct of them (`LstmNorms`, …) and the parameters' gradient buffers. */
export interface LoopSites {
  struct: number;
  /** The spans with batch norm (run between the step's phases), in order; none but in the loops that declare it. */
  batch: HeapBatchSite[];
  /** `[batch, G·u]`: N_in(P_t) under an input batch norm, else null. */
  normalizedInput: HeapBuffer | null;
  /** In the order of `FusedCall.params`: the bias's (when the loop adds it), then γ's (and β's) of each site. */
  gradients: HeapBuffer[];
}

/** The normalized LSTM's sites, with what its batch norms work in. */
interface LstmLoopSites extends LoopSites {
  /** `[3·batch, u]`: the struct's scratch blocks (c', ĉ, h' forward), where the batch norms of cell and hidden work. */
  scratch: HeapBuffer;
}

export const addressOf = (r: Recording, buffer: HeapBuffer | null, offset = 0) => (buffer === null ? 0 : r.kernels.address(buffer, offset));

/** `[rows, columns]` views of consecutive blocks of a buffer, one per step: the steps' matmul operands. */
export function stepViews(r: Recording, buffer: HeapBuffer, columns: number): HeapBuffer[] {
  return Array.from({ length: r.steps }, (_, t) => r.kernels.view(buffer, t * r.batch * columns, [r.batch, columns]));
}

/** dU = H̃ᵀ·dR for the recorded states (recurrent mask applied) and the gradient `dR` of their products with U. */
export function kernelGradient(r: Recording, left: HeapBuffer, dRecurrent: HeapBuffer, masked: boolean): HeapBuffer {
  const { kernels, units, steps, batch } = r;
  const columns = dRecurrent.shape[1];
  const transposed = kernels.buffer([units, steps * batch]);
  kernels.cells.transposeRows(r.train, kernels.address(transposed), kernels.address(left), steps * batch, units, masked ? 1 : 0);
  return kernels.matMul(kernels.buffer([units, columns]), transposed, dRecurrent);
}

/**
 * The cells whose step is `z = P_t + h̃_{t−1}·U` then one kernel (LSTM, simple RNN): per step one matmul
 * and one kernel call each way; the kernel of step t adds dz_{t+1}·Uᵀ to dh first. With norms inside the
 * loop (`sites` writes the cell's struct of them once the call's buffers exist), dP and the recurrent
 * product's gradient are apart (they differ by the recurrent norm); without, they are one buffer, dz.
 */
function singleProductCell(
  blocks: number,
  extra: boolean,
  sites: { statistics: readonly NormStatistics[]; write(r: Recording): LoopSites } | null,
  forwardStep: (r: Recording, t: number, recurrent: HeapBuffer, out: number) => void,
  backwardStep: (r: Recording, t: number, outputGradient: number, recurrent: number, dStates: HeapBuffer[], dInput: number, dRecurrent: number) => void,
): HeapTrainingCell {
  return {
    normStatistics: sites === null ? [] : sites.statistics,
    blocks,
    record(r) {
      r.extra = extra ? r.kernels.buffer([r.steps * r.batch, r.units]) : null;
      if (sites !== null) r.sites = sites.write(r);
    },
    forward(r, out) {
      const recurrent = r.kernels.buffer([r.batch, blocks * r.units]);
      for (let t = 0; t < r.steps; t += 1) {
        r.kernels.matMul(recurrent, r.hMasked, r.kernel);
        forwardStep(r, t, recurrent, out(t));
      }
    },
    backward(r, dStates, outputGradient) {
      const { kernels, batch, units, steps } = r;
      const width = blocks * units;
      const dInput = kernels.buffer([steps * batch, width]);
      const dRecurrent = r.sites === null ? dInput : kernels.buffer([steps * batch, width]);
      const recurrent = kernels.buffer([batch, units]);
      const views = stepViews(r, dRecurrent, width);
      for (let t = steps - 1; t >= 0; t -= 1) {
        const row = t * batch * width;
        backwardStep(r, t, outputGradient(t), t === steps - 1 ? 0 : kernels.address(recurrent), dStates, kernels.address(dInput, row), kernels.address(dRecurrent, row));
        kernels.matMul(recurrent, views[t], r.kernelT);
      }
      kernels.cells.addRecurrentGradient(r.train, kernels.address(dStates[0]), kernels.address(recurrent));
      const params = r.sites === null ? [] : r.sites.gradients;
      return { input: dInput, recurrentKernel: kernelGradient(r, r.states[0], dRecurrent, true), params };
    },
  };
}

export const heapTrainingLstm = singleProductCell(
  4,
  true,
  null,
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

export const heapTrainingRnn = singleProductCell(
  1,
  false,
  null,
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
 * The LSTM with norms inside the loop (`assembly/train-lstm-norms.ts`): layer or RMS norms inside its step
 * kernel, and batch norm at any site. Without batch norm one kernel call a step each way; with it the step's
 * phases one by one, each batch-normalized site between two of them (`normalizedLstmPhases`).
 */
export const heapTrainingNormalizedLstm = singleProductCell(
  4,
  true,
  { statistics: ['example', 'batch'], write: writeLstmSites },
  (r, t, recurrent, out) => {
    const size = r.batch * r.units;
    const [h, c] = r.states;
    const sites = r.sites as LstmLoopSites;
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    if (sites.batch.length > 0) {
      const step = { input: a(r.input, t * 4 * size), recurrent: a(recurrent), h: a(h, t * size), c: a(c, t * size), gates: a(r.gates, t * 4 * size), cellTanh: a(r.extra, t * size) };
      normalizedLstmPhases(r, sites, t, step, { hNext: a(h, (t + 1) * size), cNext: a(c, (t + 1) * size), out, hMasked: a(r.hMasked) });
      return;
    }
    r.kernels.cells.lstmNormsForward(
      r.train, sites.struct, t, a(r.input, t * 4 * size), a(recurrent),
      a(h, t * size), a(c, t * size), a(h, (t + 1) * size), a(c, (t + 1) * size),
      a(r.gates, t * 4 * size), a(r.extra, t * size), out, a(r.hMasked),
    );
  },
  (r, t, outputGradient, recurrent, [dh, dc], dInput, dRecurrent) => {
    const size = r.batch * r.units;
    const sites = r.sites as LstmLoopSites;
    const a = (buffer: HeapBuffer | null, offset = 0) => addressOf(r, buffer, offset);
    const step = { gates: a(r.gates, t * 4 * size), cellTanh: a(r.extra, t * size), c: a(r.states[1], t * size), outputGradient, recurrent, dh: a(dh), dc: a(dc), dInput, dz: dRecurrent };
    if (sites.batch.length > 0) normalizedLstmBackwardPhases(r, sites, t, step);
    else r.kernels.cells.lstmNormsBackward(r.train, sites.struct, t, step.gates, step.cellTanh, step.c, outputGradient, recurrent, step.dh, step.dc, dInput, dRecurrent);
  },
);

/** The `LstmNorms` struct of the layer/RMS sites (`writeLoopSites`, which writes the batch-norm sites apart), and the batch norms' buffers. */
function writeLstmSites(r: Recording): LstmLoopSites {
  const sites = writeLoopSites(r, 'lstm');
  const scratch = r.kernels.buffer([3 * r.batch, r.units]);
  const struct = writeStruct(r.kernels, LSTM_NORMS_FIELDS, {
    ...{ recurrent: sites.span('recurrent'), gates: sites.span('gates'), cell: sites.span('cell'), hidden: sites.span('hidden') },
    ...{ bias: sites.bias, dBias: sites.dBias },
    carry: r.call.sites.some((setup) => setup.site === 'cell' && setup.norm.carry) ? 1 : 0,
    cellNormalized: r.call.sites.some((setup) => setup.site === 'cell') ? 1 : 0,
    scratch: r.kernels.address(scratch),
  });
  return { struct, gradients: sites.gradients, batch: sites.batch, scratch, normalizedInput: sites.normalizedInput };
}

/**
 * One forward step of the normalized LSTM in phases, each batch norm between two (addresses of step t's
 * rows): N_in(P_t) and N_rec(h̃·U) before the sum z, N_gates(z) before the gates, N_cell(c') into scratch
 * block 1 before tanh ĉ, N_hidden(o ⊙ tanh ĉ) in block 2 before the states.
 */
function normalizedLstmPhases(
  r: Recording,
  sites: LstmLoopSites,
  t: number,
  step: { input: number; recurrent: number; h: number; c: number; gates: number; cellTanh: number },
  next: { hNext: number; cNext: number; out: number; hMasked: number },
): void {
  const { kernels, train } = r;
  const { cells } = kernels;
  const block = (index: number) => kernels.address(sites.scratch, index * r.batch * r.units);
  const input = normalizedStepInput(r, t, step.input);
  batchNormAt(r, 'recurrent', 0, t, step.recurrent);
  cells.lstmNormsSum(train, sites.struct, t, input, step.recurrent);
  batchNormAt(r, 'gates', 0, t, step.recurrent);
  cells.lstmNormsActivate(train, sites.struct, t, step.recurrent, step.c, step.gates);
  batchNormAt(r, 'cell', 0, t, block(0), block(1));
  cells.lstmNormsCell(train, sites.struct, t, step.gates, step.cellTanh);
  batchNormAt(r, 'hidden', 0, t, block(2));
  cells.lstmNormsState(train, sites.struct, t, step.h, step.c, next.hNext, next.cNext, next.out, next.hMasked);
}

/** One backward step of the normalized LSTM in phases, the forward's in reverse, each batch norm's gradient between two. */
function normalizedLstmBackwardPhases(
  r: Recording,
  sites: LstmLoopSites,
  t: number,
  step: { gates: number; cellTanh: number; c: number; outputGradient: number; recurrent: number; dh: number; dc: number; dInput: number; dz: number },
): void {
  const { kernels, train } = r;
  const { cells } = kernels;
  const block0 = kernels.address(sites.scratch);
  cells.lstmNormsStateBackward(train, sites.struct, t, step.outputGradient, step.recurrent, step.dh, step.dc);
  batchNormGradientAt(r, 'hidden', 0, t, block0);
  cells.lstmNormsCellBackward(train, sites.struct, t, step.gates, step.cellTanh, step.dz);
  batchNormGradientAt(r, 'cell', 0, t, block0);
  cells.lstmNormsActivateBackward(train, sites.struct, t, step.gates, step.c, step.dc, step.dz);
  batchNormGradientAt(r, 'gates', 0, t, step.dz);
  cells.lstmNormsSumBackward(train, sites.struct, t, step.dz, step.dInput);
  batchNormGradientAt(r, 'recurrent', 0, t, step.dz);
  batchNormGradientAt(r, 'input', 0, t, step.dInput);
}

/**
 * Step `t`'s batch norm of the span of `site` from column `firstColumn`, where the call has one (else
 * nothing): `values` normalized into `out`, rows `stride` floats apart (the span's width by default). The
 * phased steps call it between their phases, at the points the JS loops normalize.
 */
export function batchNormAt(r: Recording, site: NormSite, firstColumn: number, t: number, values: number, out = values, stride?: number): void {
  const span = r.sites === null ? undefined : batchSpan(r.sites.batch, site, firstColumn);
  if (span !== undefined) batchNormForward(r.kernels, r.train, span, t, values, out, stride);
}

/** The backward pass of `batchNormAt`, in place on the gradient at `gradient`. */
export function batchNormGradientAt(r: Recording, site: NormSite, firstColumn: number, t: number, gradient: number, stride?: number): void {
  const span = r.sites === null ? undefined : batchSpan(r.sites.batch, site, firstColumn);
  if (span !== undefined) batchNormBackward(r.kernels, r.train, span, t, gradient, gradient, stride);
}

/** The address of P_t as a phased step reads it: `input`, or under an input batch norm N_in(P_t), normalized here (the step's first phase). */
export function normalizedStepInput(r: Recording, t: number, input: number): number {
  const out = stepInput(r, input);
  batchNormAt(r, 'input', 0, t, input, out);
  return out;
}

/** Where a step reads P_t once `normalizedStepInput` has run: `input`, or N_in(P_t). */
export function stepInput(r: Recording, input: number): number {
  const normalized = r.sites?.normalizedInput ?? null;
  return normalized === null ? input : r.kernels.address(normalized);
}

/** The normalized simple RNN's sites, with where its hidden site's batch norm works. */
interface RnnLoopSites extends LoopSites {
  /** The `RnnNorms` struct's scratch `[batch, u]` (a ⊙ m forward, its gradient backward). */
  scratch: number;
}

/**
 * The simple RNN with norms inside the loop (`assembly/train-rnn-norms.ts`): layer or RMS norms inside its
 * step kernel, and batch norm at any site. Without batch norm one kernel call a step each way; with it the
 * step's three phases one by one, each batch-normalized site between two of them, as the LSTM's.
 */
export const heapTrainingNormalizedRnn = singleProductCell(
  1,
  false,
  {
    statistics: ['example', 'batch'],
    write(r): RnnLoopSites {
      const sites = writeLoopSites(r, 'rnn');
      const scratch = r.kernels.address(r.kernels.buffer([r.batch, r.units]));
      const struct = writeStruct(r.kernels, RNN_NORMS_FIELDS, {
        ...{ recurrent: sites.span('recurrent'), gates: sites.span('gates'), hidden: sites.span('hidden') },
        ...{ bias: sites.bias, dBias: sites.dBias },
        scratch,
      });
      return { struct, gradients: sites.gradients, batch: sites.batch, normalizedInput: sites.normalizedInput, scratch };
    },
  },
  (r, t, recurrent, out) => {
    const size = r.batch * r.units;
    const h = r.states[0];
    const sites = r.sites as RnnLoopSites;
    const a = (buffer: HeapBuffer, offset = 0) => addressOf(r, buffer, offset);
    const { cells } = r.kernels;
    if (sites.batch.length === 0) {
      cells.rnnNormsForward(r.train, sites.struct, t, a(r.input, t * size), a(recurrent), a(h, t * size), a(h, (t + 1) * size), a(r.gates, t * size), out, a(r.hMasked));
      return;
    }
    const input = normalizedStepInput(r, t, a(r.input, t * size));
    batchNormAt(r, 'recurrent', 0, t, a(recurrent));
    cells.rnnNormsSum(r.train, sites.struct, t, input, a(recurrent));
    batchNormAt(r, 'gates', 0, t, a(recurrent));
    cells.rnnNormsActivate(r.train, sites.struct, t, a(recurrent), a(r.gates, t * size));
    batchNormAt(r, 'hidden', 0, t, sites.scratch);
    cells.rnnNormsStateEnd(r.train, sites.struct, t, a(h, t * size), a(h, (t + 1) * size), out, a(r.hMasked));
  },
  (r, t, outputGradient, recurrent, [dh], dInput, dRecurrent) => {
    const activated = addressOf(r, r.gates, t * r.batch * r.units);
    const sites = r.sites as RnnLoopSites;
    const { cells } = r.kernels;
    if (sites.batch.length === 0) {
      cells.rnnNormsBackward(r.train, sites.struct, t, activated, outputGradient, recurrent, addressOf(r, dh), dInput, dRecurrent);
      return;
    }
    cells.rnnNormsStateEndBackward(r.train, sites.struct, t, outputGradient, recurrent, addressOf(r, dh));
    batchNormGradientAt(r, 'hidden', 0, t, sites.scratch);
    cells.rnnNormsActivateBackward(r.train, sites.struct, t, activated, dInput);
    batchNormGradientAt(r, 'gates', 0, t, dInput);
    cells.rnnNormsSumBackward(r.train, sites.struct, t, dInput, dRecurrent);
    batchNormGradientAt(r, 'recurrent', 0, t, dRecurrent);
    batchNormGradientAt(r, 'input', 0, t, dInput);
  },
);

/**
 * Whether `cell`'s loop normalizes a site inside it: with statistics it declares (`normStatistics`); a layer or
 * RMS norm at the input site runs before the op (its statistics per example over all steps at once), a batch
 * norm there inside the loop (per-step statistics). The kernels normalize a batch norm with the batch's own
 * statistics only: one with population statistics (inference recorded under a gradient tape) is not theirs.
 */
function coveredSite(cell: HeapTrainingCell, setup: SiteSetup): boolean {
  const statisticsOk = setup.form.statistics === 'batch' ? setup.population === null : setup.site !== 'input';
  return cell.normStatistics.includes(setup.form.statistics) && statisticsOk;
}

/**
 * Whether the heap path covers this fused call: the cell's descriptor declares a heap loop for its fused loop
 * (`FusedCall.heapTraining`); a plain loop has no norm inside (nor the op parameters that come with them),
 * a normalized one only sites it normalizes (`coveredSite`); gates the kernels differentiate; and a
 * backward pass to record for.
 */
export function heapTrainingSupports(call: FusedCall): boolean {
  const cell = call.heapTraining;
  if (cell === null) return false;
  const gatesOk = call.gateActivation === 'sigmoid' || call.gateActivation === 'hard_sigmoid';
  const normalized = cell.normStatistics.length > 0;
  const sitesOk = normalized ? call.sites.length > 0 && call.sites.every((setup) => coveredSite(cell, setup)) : call.sites.length === 0 && call.params.length === 0;
  return call.record && call.steps > 0 && sitesOk && gatesOk;
}

/** The heap training run of this call, or null where it declines (the caller then runs the JS loops). */
export function heapTrainingRun(call: FusedCall, input: tf.Tensor, recurrentKernel: tf.Tensor, initial: tf.Tensor[]): HeapTrainingRun | null {
  if (call.heapTraining === null || !heapTrainingSupports(call)) return null;
  const kernels = heapTrainingKernels();
  if (kernels === null) return null;
  try {
    return runForward(kernels, call.heapTraining, call, input, recurrentKernel, initial);
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
  const batchSites = recording.sites === null ? [] : recording.sites.batch;
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
