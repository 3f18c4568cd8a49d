/**
 * The GRU's heap training loops (`training.ts`), plain (`assembly/train-gru.ts`) and with layer or RMS norms
 * inside (`assembly/train-gru-norms.ts`): the same matmuls around kernels with the same buffers, so one
 * loop with the kernel calls as a parameter. Reset after, one product h̃·U `[batch, 3u]` per step each way;
 * reset first, two each way, h̃·U_zr and then (r ⊙ h̃)·U_h forward, dc·U_hᵀ and then d[z, r]·U_zrᵀ
 * backward. U_zrᵀ and U_hᵀ are row blocks of Uᵀ (views); U_zr and U_h, column blocks of U, are split off by
 * tfjs once per call.
 */
import * as tf from '@tensorflow/tfjs';
import type { HeapBuffer } from './heap.js';
import { GRU_NORMS_FIELDS, writeStruct } from './structs.js';
import { addressOf, kernelGradient, stepViews } from './training.js';
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

/** A GRU loop; `normStatistics` as `HeapTrainingCell` declares them (none: the plain loop). */
function gruLoop(normStatistics: readonly NormStatistics[], calls: GruKernelCalls): HeapTrainingCell {
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

/** The `GruNorms` struct: a `Site` per span ([z, r] and h apart at the gates, and at the recurrent product reset first). */
function writeGruSites(r: Recording): LoopSites {
  const sites = writeLoopSites(r, 'gru');
  const struct = writeStruct(r.kernels, GRU_NORMS_FIELDS, {
    ...{ recurrent: sites.span('recurrent', 0), recurrentCandidate: r.call.resetAfter ? 0 : sites.span('recurrent', 2) },
    ...{ gates: sites.span('gates', 0), gatesCandidate: sites.span('gates', 2), hidden: sites.span('hidden') },
    ...{ bias: sites.bias, dBias: sites.dBias },
    scratch: r.kernels.address(r.kernels.buffer([2 * r.batch, r.units])),
  });
  return { struct, gradients: sites.gradients, batch: sites.batch };
}

/** The plain GRU (`assembly/train-gru.ts`). Arguments written out, not spread from arrays: these run once per step. */
export const heapTrainingGru = gruLoop([], {
  gatesForward: (r, t, input, recurrent, resetAfter, hMasked, gates, resetTerm) => r.kernels.cells.gruGatesForward(r.train, t, input, recurrent, resetAfter, hMasked, gates, resetTerm),
  stateForward: (r, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext) =>
    r.kernels.cells.gruStateForward(r.train, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext),
  stateBackward: (r, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate) =>
    r.kernels.cells.gruStateBackward(r.train, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate),
  resetBackward: (r, _t, gates, h, dResetProduct, dh, dInput, dRecurrent) => r.kernels.cells.gruResetBackward(r.train, gates, h, dResetProduct, dh, dInput, dRecurrent),
});

/**
 * The GRU with layer or RMS norms inside the loop (`assembly/train-gru-norms.ts`): per-example statistics
 * only, its step kernels not being split into phases for batch sums (a batch-norm GRU runs the JS loops).
 */
export const heapTrainingNormalizedGru = gruLoop(['example'], {
  gatesForward: (r, t, input, recurrent, resetAfter, hMasked, gates, resetTerm) =>
    r.kernels.cells.gruNormsGatesForward(r.train, (r.sites as LoopSites).struct, t, input, recurrent, resetAfter, hMasked, gates, resetTerm),
  stateForward: (r, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext) =>
    r.kernels.cells.gruNormsStateForward(r.train, (r.sites as LoopSites).struct, t, input, candidateRecurrent, gates, resetTerm, h, hNext, out, hMaskedNext),
  stateBackward: (r, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate) =>
    r.kernels.cells.gruNormsStateBackward(r.train, (r.sites as LoopSites).struct, t, gates, resetTerm, h, outputGradient, recurrent, resetAfter, dh, dInput, dRecurrent, dCandidate),
  resetBackward: (r, t, gates, h, dResetProduct, dh, dInput, dRecurrent) =>
    r.kernels.cells.gruNormsResetBackward(r.train, (r.sites as LoopSites).struct, t, gates, h, dResetProduct, dh, dInput, dRecurrent),
});
