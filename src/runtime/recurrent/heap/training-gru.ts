/**
 * The GRU's heap training loops (`training.ts`), plain (`assembly/train-gru.ts`) and with norms inside
 * (`assembly/train-gru-norms.ts`: layer or RMS norms inside its kernels, batch norms between their phases):
 * the same matmuls around kernels with the same buffers, so one loop with the kernel calls as a parameter. Reset after, one product h̃·U `[batch, 3u]` per step each way;
 * reset first, two each way, h̃·U_zr and then (r ⊙ h̃)·U_h forward, dc·U_hᵀ and then d[z, r]·U_zrᵀ
 * backward. U_zrᵀ and U_hᵀ are row blocks of Uᵀ (views); U_zr and U_h, column blocks of U, are split off by
 * tfjs once per call.
 */
import * as tf from '@tensorflow/tfjs';
import type { HeapBuffer } from './heap.js';
import { GRU_NORMS_FIELDS, writeStruct } from './structs.js';
import { addressOf, batchNormAt, batchNormGradientAt, kernelGradient, normalizedStepInput, stepInput, stepViews } from './training.js';
import type { HeapTrainingCell, LoopSites, NormStatistics, Recording } from './training.js';
import { writeLoopSites } from './training-sites.js';

/** A GRU loop's four kernel calls, as `assembly/train-gru.ts` declares them (addresses; `r` the call). */
interface GruKernelCalls {
  gatesForward(r: Recording, t: number, input: number, recurrent: number, resetAfter: number, hMasked: number, gates: number, resetTerm: number): void;
  stateForward(r: Recording, t: number, input: number, candidateRecurrent: number, gates: number, resetTerm: number, h: number, hNext: number, out: number, hMaskedNext: number): void;
  stateBackward(
    ...args: [r: Recording, t: number, gates: number, resetTerm: number, h: number, outputGradient: number, recurrent: number, resetAfter: number, dh: number, dInput: number, dRecurrent: number, dCandidate: number]
  ): void;
  resetBackward(r: Recording, t: number, gates: number, h: number, dResetProduct: number, dh: number, dInput: number, dRecurrent: number): void;
}

/**
 * A GRU loop; `normStatistics` as `HeapTrainingCell` declares them (none: the plain loop); `callsFor` picks
 * the kernel calls of a recorded call once, before its step loop.
 */
function gruLoop(normStatistics: readonly NormStatistics[], callsFor: (r: Recording) => GruKernelCalls): HeapTrainingCell {
  const normalized = normStatistics.length > 0;
  return {
    normStatistics,
    blocks: 3,
    record(r) {
      r.extra = r.kernels.buffer([r.steps * r.batch, r.units]);
      if (normalized) r.sites = writeGruSites(r);
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
      const calls = callsFor(r);
      for (let t = 0; t < steps; t += 1) {
        kernels.matMul(recurrent, r.hMasked, resetAfter ? r.kernel : kernelZr);
        const [input, gates, resetTerm, h] = [a(r.input, t * 3 * size), a(r.gates, t * 3 * size), a(r.extra, t * size), r.states[0]];
        calls.gatesForward(r, t, input, a(recurrent), resetAfter ? 1 : 0, a(r.hMasked), gates, resetTerm);
        if (candidateRecurrent !== null) kernels.matMul(candidateRecurrent, resetTerms[t], kernelH);
        calls.stateForward(r, t, input, a(candidateRecurrent), gates, resetTerm, a(h, t * size), a(h, (t + 1) * size), out(t), a(r.hMasked));
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
      const calls = callsFor(r);
      for (let t = steps - 1; t >= 0; t -= 1) {
        const gates = a(r.gates, t * 3 * size);
        const dInputRow = a(dInput, t * 3 * size);
        const dRecurrentRow = a(dRecurrent, t * batch * recurrentWidth);
        calls.stateBackward(
          r, t, gates, a(r.extra, t * size), a(h, t * size), outputGradient(t), t === steps - 1 ? 0 : a(recurrent),
          resetAfter ? 1 : 0, a(dh), dInputRow, dRecurrentRow, a(dCandidate, t * size),
        );
        if (!resetAfter) {
          kernels.matMul(dResetProduct, candidateViews[t], kernelHT);
          calls.resetBackward(r, t, gates, a(h, t * size), a(dResetProduct), a(dh), dInputRow, dRecurrentRow);
        }
        kernels.matMul(recurrent, views[t], resetAfter ? r.kernelT : kernelZrT);
      }
      kernels.cells.addRecurrentGradient(r.train, a(dh), a(recurrent));
      const params = normalized ? (r.sites as LoopSites).gradients : [];
      if (resetAfter) return { input: dInput, recurrentKernel: kernelGradient(r, h, dRecurrent, true), params };
      return { input: dInput, recurrentKernel: resetFirstKernelGradient(r, dRecurrent, dCandidate as HeapBuffer), params };
    },
  };
}

/** Reset first: dU's z, r columns from H̃ᵀ·d[z, r], its h columns from (r ⊙ h̃)ᵀ·dc, side by side. */
function resetFirstKernelGradient(r: Recording, dRecurrent: HeapBuffer, dCandidate: HeapBuffer): HeapBuffer {
  const { kernels, units } = r;
  const zr = kernels.floats(kernelGradient(r, r.states[0], dRecurrent, true)).slice();
  const candidate = kernels.floats(kernelGradient(r, r.extra as HeapBuffer, dCandidate, false)).slice();
  const recurrentKernel = kernels.buffer([units, 3 * units]);
  const values = kernels.floats(recurrentKernel);
  for (let i = 0; i < units; i += 1) {
    values.set(zr.subarray(i * 2 * units, (i + 1) * 2 * units), i * 3 * units);
    values.set(candidate.subarray(i * units, (i + 1) * units), i * 3 * units + 2 * units);
  }
  return recurrentKernel;
}

/** The normalized GRU's sites, with where its gates' and hidden site's batch norms work. */
interface GruLoopSites extends LoopSites {
  /** The `GruNorms` struct's scratch `[2·batch, u]`: forward the pre-activations `[batch, 2u]`, then `[batch, u]`. */
  scratch: number;
}

/** The `GruNorms` struct: a `Site` per span ([z, r] and h apart at the gates, and at the recurrent product reset first). */
function writeGruSites(r: Recording): GruLoopSites {
  const sites = writeLoopSites(r, 'gru');
  const scratch = r.kernels.address(r.kernels.buffer([2 * r.batch, r.units]));
  const struct = writeStruct(r.kernels, GRU_NORMS_FIELDS, {
    ...{ recurrent: sites.span('recurrent', 0), recurrentCandidate: r.call.resetAfter ? 0 : sites.span('recurrent', 2) },
    ...{ gates: sites.span('gates', 0), gatesCandidate: sites.span('gates', 2), hidden: sites.span('hidden') },
    ...{ bias: sites.bias, dBias: sites.dBias },
    scratch,
  });
  return { struct, gradients: sites.gradients, batch: sites.batch, normalizedInput: sites.normalizedInput, scratch };
}

/** The plain GRU (`assembly/train-gru.ts`). Arguments written out, not spread from arrays: these run once per step. */
const plainGruCalls: GruKernelCalls = {
  gatesForward: (r, t, input, recurrent, resetAfter, hMasked, gates, resetTerm) => r.kernels.cells.gruGatesForward(r.train, t, input, recurrent, resetAfter, hMasked, gates, resetTerm),
  stateForward: (r, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext) =>
    r.kernels.cells.gruStateForward(r.train, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext),
  stateBackward: (r, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate) =>
    r.kernels.cells.gruStateBackward(r.train, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate),
  resetBackward: (r, _t, gates, h, dResetProduct, dh, dInput, dRecurrent) => r.kernels.cells.gruResetBackward(r.train, gates, h, dResetProduct, dh, dInput, dRecurrent),
};

export const heapTrainingGru = gruLoop([], () => plainGruCalls);

/**
 * The GRU with norms inside the loop (`assembly/train-gru-norms.ts`), both reset positions: layer or RMS
 * norms inside its kernels, and batch norm at any site and span. Without batch norm two kernel calls a step
 * each way; with it the kernels' phases one by one, each batch-normalized span between two of them
 * (`normalizedGruPhases`), at the points the JS loop (`../fused/gru-norms.ts`) normalizes, its batch sums
 * reduced there.
 */
export const heapTrainingNormalizedGru = gruLoop(['example', 'batch'], (r) => ((r.sites as GruLoopSites).batch.length === 0 ? wholeStepNormsCalls : normalizedGruPhases));

/** The normalized GRU's steps without batch norm: layer or RMS norms inside two kernel calls a step each way. */
const wholeStepNormsCalls: GruKernelCalls = {
  gatesForward: (r, t, input, recurrent, resetAfter, hMasked, gates, resetTerm) =>
    r.kernels.cells.gruNormsGatesForward(r.train, (r.sites as GruLoopSites).struct, t, input, recurrent, resetAfter, hMasked, gates, resetTerm),
  stateForward: (r, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext) =>
    r.kernels.cells.gruNormsStateForward(r.train, (r.sites as GruLoopSites).struct, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext),
  stateBackward: (r, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate) =>
    r.kernels.cells.gruNormsStateBackward(r.train, (r.sites as GruLoopSites).struct, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate),
  resetBackward: (r, t, gates, h, dResetProduct, dh, dInput, dRecurrent) =>
    r.kernels.cells.gruNormsResetBackward(r.train, (r.sites as GruLoopSites).struct, t, gates, h, dResetProduct, dh, dInput, dRecurrent),
};

/** Bytes from a row's start to its gate block `block` (addresses are byte addresses; floats are 4 bytes). */
const blockOffset = (r: Recording, block: number) => 4 * block * r.units;

/**
 * The normalized GRU's step in phases, a batch norm between two wherever the call has one (`batchNormAt`;
 * spans by first column: the gates' [z, r] at 0 and h at 2u, the recurrent product's whole reset after, [z, r]
 * and h reset first). Forward: N_in(P_t); N_rec(h̃·U) | P_zr + R_zr; N_gates,zr | σ, reset term; (matmul)
 * N_rec,h | P_h + candidate term; N_gates,h | tanh, the state mix; N_hidden | the state end. Backward in reverse.
 */
const normalizedGruPhases: GruKernelCalls = {
  gatesForward(r, t, input, recurrent, resetAfter, hMasked, gates, resetTerm) {
    const { cells } = r.kernels;
    const struct = (r.sites as GruLoopSites).struct;
    const stepInputAddress = normalizedStepInput(r, t, input);
    batchNormAt(r, 'recurrent', 0, t, recurrent);
    cells.gruNormsGatesSum(r.train, struct, t, stepInputAddress, recurrent, resetAfter);
    batchNormAt(r, 'gates', 0, t, (r.sites as GruLoopSites).scratch);
    cells.gruNormsGatesActivate(r.train, struct, t, recurrent, resetAfter, hMasked, gates, resetTerm);
  },
  stateForward(r, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext) {
    const { cells } = r.kernels;
    const { struct, scratch } = r.sites as GruLoopSites;
    if (candidateRecurrent !== 0) batchNormAt(r, 'recurrent', 2 * r.units, t, candidateRecurrent);
    cells.gruNormsCandidateSum(r.train, struct, t, stepInput(r, input), candidateRecurrent, gates, resetTerm);
    batchNormAt(r, 'gates', 2 * r.units, t, scratch);
    cells.gruNormsCandidateState(r.train, struct, t, gates, h);
    batchNormAt(r, 'hidden', 0, t, scratch);
    cells.gruNormsStateEnd(r.train, struct, t, h, hNext, out, hMaskedNext);
  },
  stateBackward(r, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate) {
    const { cells } = r.kernels;
    const { struct, scratch } = r.sites as GruLoopSites;
    const width = 3 * r.units;
    cells.gruNormsStateEndBackward(r.train, struct, t, outputGradient, recurrent, dh);
    batchNormGradientAt(r, 'hidden', 0, t, scratch);
    cells.gruNormsCandidateBackward(r.train, struct, t, gates, h, dh, dInput);
    batchNormGradientAt(r, 'gates', 2 * r.units, t, dInput + blockOffset(r, 2), width);
    if (resetAfter === 0) {
      cells.gruNormsCandidateProductBackward(r.train, struct, t, dInput, dCandidate);
      batchNormGradientAt(r, 'recurrent', 2 * r.units, t, dCandidate);
      return;
    }
    cells.gruNormsResetAfterBackward(r.train, gates, resetTerm, dInput, dRecurrent);
    gatesPhasesBackward(r, t, dInput, dRecurrent, width);
  },
  resetBackward(r, t, gates, h, dResetProduct, dh, dInput, dRecurrent) {
    r.kernels.cells.gruNormsResetFirstBackward(r.train, gates, h, dResetProduct, dh, dInput);
    gatesPhasesBackward(r, t, dInput, dRecurrent, 2 * r.units);
  },
};

/** The step's last backward phases from d[z, r] at the gates' activations: through N_gates,zr, N_rec, and dP through N_in. */
function gatesPhasesBackward(r: Recording, t: number, dInput: number, dRecurrent: number, recurrentWidth: number): void {
  const { cells } = r.kernels;
  const struct = (r.sites as GruLoopSites).struct;
  cells.gruNormsGatesBackward(r.train, struct, t, dInput);
  batchNormGradientAt(r, 'gates', 0, t, dInput, 3 * r.units);
  cells.gruNormsRecurrentBackward(r.train, struct, t, dInput, dRecurrent, recurrentWidth);
  batchNormGradientAt(r, 'recurrent', 0, t, dRecurrent);
  batchNormGradientAt(r, 'input', 0, t, dInput);
}
