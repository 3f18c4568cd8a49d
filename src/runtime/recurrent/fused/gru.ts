/**
 * The plain GRU recurrence as one fused op (see `lstm.ts` for why), both reset positions; the same equations
 * as `cells/gru.ts` with every norm and in-loop dropout absent (gate blocks z, r, h; σ the gate activation):
 * `z, r = σ(P_zr + h·U_zr)`; reset before: `h̃ = tanh(P_h + (r ⊙ h)·U_h)`; reset after:
 * `h̃ = tanh(P_h + r ⊙ (h·U_h))`; `h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃`.
 */
import * as tf from '@tensorflow/tfjs';
import { factorAt, gateDerivative, gateFunction, multiply, multiplyTransposed, recurrentInput, tanh, zoneoutAt } from './math.js';
import type { FusedArgs, FusedCell, FusedGradients, FusedRun } from './types.js';

interface Recorded {
  h: Float32Array;
  /** Per step and example: z, r, h̃ (3u each). */
  gates: Float32Array;
  /** Reset before: r ⊙ h_{t−1} (the operand of U_h); reset after: h_{t−1}·U_h. */
  resetTerm: Float32Array;
}

/** U split into its `[z, r]` and `h` column blocks (the caller disposes them). */
function kernelBlocks(kernel: tf.Tensor, units: number): [tf.Tensor, tf.Tensor] {
  const [zr, h] = tf.split(kernel, [2 * units, units], 1);
  return [zr, h];
}

export const fusedGru: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, input, mask, keepOutputs, resetAfter } = args;
    const gate = gateFunction(args.gateActivation);
    const size = batch * units;
    const width = 3 * units;
    const h = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    const gates = new Float32Array(steps * batch * width);
    const resetTerm = new Float32Array(steps * size);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    const [kernelZr, kernelH] = kernelBlocks(args.recurrentKernel, units);
    for (let t = 0; t < steps; t += 1) {
      const hPrevious = h.subarray(t * size, (t + 1) * size);
      // h_{t−1} as it enters U (variational recurrent dropout); z ⊙ h_{t−1} below takes it undropped.
      const hIn = recurrentInput(args.recurrentMask, hPrevious);
      const recurrent = multiply(hIn, batch, resetAfter ? args.recurrentKernel : kernelZr);
      const recurrentWidth = resetAfter ? width : 2 * units;
      for (let n = 0; n < batch; n += 1) {
        const row = (t * batch + n) * width;
        for (let j = 0; j < units; j += 1) {
          gates[row + j] = gate(input[row + j] + recurrent[n * recurrentWidth + j]);
          gates[row + units + j] = gate(input[row + units + j] + recurrent[n * recurrentWidth + units + j]);
          const k = n * units + j;
          resetTerm[t * size + k] = resetAfter ? recurrent[n * recurrentWidth + 2 * units + j] : gates[row + units + j] * hIn[k];
        }
      }
      const candidateRecurrent = resetAfter ? null : multiply(resetTerm.subarray(t * size, (t + 1) * size), batch, kernelH);
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        const row = (t * batch + n) * width;
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const r = gates[row + units + j];
          const recurrentPart = candidateRecurrent === null ? r * resetTerm[t * size + k] : candidateRecurrent[k];
          const candidate = tanh(input[row + 2 * units + j] + recurrentPart);
          gates[row + 2 * units + j] = candidate;
          const z = gates[row + j];
          // Candidate dropout scales h̃ where it enters h; zoneout then mixes in the previous state.
          const hNew = z * hPrevious[k] + (1 - z) * candidate * factorAt(args.stepMasks.candidate, t, k, size);
          const hZoned = hNew + zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size) * (hPrevious[k] - hNew);
          h[(t + 1) * size + k] = valid * hZoned + (1 - valid) * hPrevious[k];
          if (outputs !== null) outputs[t * size + k] = valid * hZoned;
        }
      }
    }
    kernelZr.dispose();
    kernelH.dispose();
    const packed = new Float32Array((outputs === null ? 0 : steps * size) + size);
    if (outputs !== null) packed.set(outputs);
    packed.set(h.subarray(steps * size), packed.length - size);
    return { packed, statistics: [], backward: (gradient) => backward(args, { h, gates, resetTerm }, gradient, gateDerivative(args.gateActivation)) };
  },
};

/**
 * dU `[u, 3u]` from the gradients of the recurrent matmuls' outputs: `h_{t−1}ᵀ·d[z, r, h]` with the reset
 * gate after; with it first, `h_{t−1}ᵀ·d[z, r]` beside `(r ⊙ h_{t−1})ᵀ·d(candidate matmul)`. `h_{t−1}` as it
 * entered U (recurrent dropout applied).
 */
export function recurrentKernelGradient(args: FusedArgs, h: Float32Array, dRecurrent: Float32Array, resetTerm: Float32Array, dCandidate: Float32Array | null): Float32Array {
  const { steps, batch, units, resetAfter } = args;
  const width = 3 * units;
  const hPrevious = recurrentInput(args.recurrentMask, h.subarray(0, steps * batch * units));
  if (resetAfter) return multiplyTransposed(hPrevious, units, dRecurrent, width);
  const zr = multiplyTransposed(hPrevious, units, dRecurrent, 2 * units);
  const candidate = multiplyTransposed(resetTerm, units, dCandidate as Float32Array, units);
  const gradient = new Float32Array(units * width);
  for (let i = 0; i < units; i += 1) {
    gradient.set(zr.subarray(i * 2 * units, (i + 1) * 2 * units), i * width);
    gradient.set(candidate.subarray(i * units, (i + 1) * units), i * width + 2 * units);
  }
  return gradient;
}

function backward(args: FusedArgs, recorded: Recorded, gradient: Float32Array, gatePrime: (y: number) => number): FusedGradients {
  const { steps, batch, units, mask, keepOutputs, resetAfter } = args;
  const { h, gates, resetTerm } = recorded;
  const size = batch * units;
  const width = 3 * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh = gradient.slice(outputRows, outputRows + size);
  const dInput = new Float32Array(steps * batch * width);
  // Gradient of the recurrent matmul outputs: [z, r, (reset after) U_h·h] columns, or [z, r] and U_h·(r ⊙ h).
  const dRecurrent = new Float32Array(steps * batch * (resetAfter ? width : 2 * units));
  const dCandidate = resetAfter ? null : new Float32Array(steps * size);
  const kernelT = tf.transpose(args.recurrentKernel);
  const [kernelZrT, kernelHT] = tf.split(kernelT, [2 * units, units], 0);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const dhNext = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      const row = (t * batch + n) * width;
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        // The gradient w.r.t. the zoned-out state, split between the new state and the previous one.
        const dhZoned = valid * (dh[k] + (keepOutputs ? gradient[t * size + k] : 0));
        const zoned = zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size);
        const dhNew = dhZoned * (1 - zoned);
        const m = factorAt(args.stepMasks.candidate, t, k, size);
        const z = gates[row + j];
        const candidate = gates[row + 2 * units + j];
        const dCandidatePre = dhNew * (1 - z) * m * (1 - candidate * candidate);
        dInput[row + j] = dhNew * (h[t * size + k] - m * candidate) * gatePrime(z);
        dInput[row + 2 * units + j] = dCandidatePre;
        dhNext[k] = dhNew * z + (1 - valid) * dh[k] + dhZoned * zoned;
        if (resetAfter) {
          const r = gates[row + units + j];
          dInput[row + units + j] = dCandidatePre * resetTerm[t * size + k] * gatePrime(r);
          dRecurrent[row + 2 * units + j] = dCandidatePre * r;
        } else (dCandidate as Float32Array)[t * size + k] = dCandidatePre;
      }
    }
    if (!resetAfter) {
      // d(r ⊙ h) = dh̃_pre · U_hᵀ, which feeds both r and h_{t−1}.
      const dResetProduct = multiply((dCandidate as Float32Array).subarray(t * size, (t + 1) * size), batch, kernelHT);
      const hIn = recurrentInput(args.recurrentMask, h.subarray(t * size, (t + 1) * size));
      const dIntoState = recurrentInput(args.recurrentMask, dResetProduct);
      for (let n = 0; n < batch; n += 1) {
        const row = (t * batch + n) * width;
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const r = gates[row + units + j];
          dInput[row + units + j] = dResetProduct[k] * hIn[k] * gatePrime(r);
          dhNext[k] += dIntoState[k] * r;
        }
      }
    }
    const recurrentWidth = resetAfter ? width : 2 * units;
    for (let n = 0; n < batch; n += 1) {
      const row = (t * batch + n) * width;
      for (let j = 0; j < 2 * units; j += 1) dRecurrent[(t * batch + n) * recurrentWidth + j] = dInput[row + j];
    }
    const slice = dRecurrent.subarray(t * batch * recurrentWidth, (t + 1) * batch * recurrentWidth);
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(slice, batch, resetAfter ? kernelT : kernelZrT));
    for (let k = 0; k < size; k += 1) dhNext[k] += fromRecurrence[k];
    dh = dhNext;
  }
  tf.dispose([kernelT, kernelZrT, kernelHT]);
  const recurrentKernel = recurrentKernelGradient(args, h, dRecurrent, resetTerm, dCandidate);
  return { input: dInput, recurrentKernel, initial: [dh], params: [] };
}
