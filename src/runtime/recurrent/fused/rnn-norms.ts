/**
 * The simple-RNN recurrence with normalization sites inside the loop (recurrent, gates, hidden, and a
 * per-step batch-normalized input) as one fused op with a hand-written backward pass; the same equation as
 * `cells/rnn.ts`: `h_t = N_hidden(tanh(N_gates(N_in(P_t) + N_rec(h_{t−1}·U)) + b))`.
 */
import type { NormSite } from '../../../ir/types.js';
import { factorAt, multiply, multiplyTransposed, recurrentInput, stateGradientAtStep, tanh, transposeTensor, zoneoutAt } from './math.js';
import { NormTape, siteKernels, siteParameterGradients, siteStatistics } from './loop-norms.js';
import type { SiteKernels } from './loop-norms.js';
import type { FusedArgs, FusedCell, FusedGradients, FusedRun } from './types.js';

export const fusedNormalizedRnn: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, mask, keepOutputs } = args;
    const { kernels, bias } = siteKernels(args);
    const size = batch * units;
    const h = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    const activated = new Float32Array(steps * size);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    const tape = new NormTape(mask, batch);
    const normalize = (site: NormSite, values: Float32Array, t: number): Float32Array => tape.forward(kernels[site], values, t);
    for (let t = 0; t < steps; t += 1) {
      const input = normalize('input', args.input.slice(t * size, (t + 1) * size), t);
      const recurrent = normalize('recurrent', multiply(recurrentInput(args.recurrentMask, h.subarray(t * size, (t + 1) * size)), batch, args.recurrentKernel), t);
      const sum = new Float32Array(size);
      for (let k = 0; k < size; k += 1) sum[k] = input[k] + recurrent[k];
      const pre = normalize('gates', sum, t);
      const hRaw = new Float32Array(size);
      for (let k = 0; k < size; k += 1) {
        activated[t * size + k] = tanh(pre[k] + (bias === null ? 0 : bias[k % units]));
        hRaw[k] = activated[t * size + k] * factorAt(args.stepMasks.candidate, t, k, size);
      }
      const hNew = normalize('hidden', hRaw, t);
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        for (let k = n * units; k < (n + 1) * units; k += 1) {
          const hPrevious = h[t * size + k];
          const hZoned = hNew[k] + zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size) * (hPrevious - hNew[k]);
          h[(t + 1) * size + k] = valid * hZoned + (1 - valid) * hPrevious;
          if (outputs !== null) outputs[t * size + k] = valid * hZoned;
        }
      }
    }
    const packed = new Float32Array((outputs === null ? 0 : steps * size) + size);
    if (outputs !== null) packed.set(outputs);
    packed.set(h.subarray(steps * size), packed.length - size);
    return {
      packed,
      statistics: siteStatistics(kernels, tape),
      backward: (gradient) => backward(args, { h, activated, kernels, tape, hasBias: bias !== null }, gradient),
    };
  },
};

interface Recorded {
  h: Float32Array;
  activated: Float32Array;
  kernels: SiteKernels;
  tape: NormTape;
  hasBias: boolean;
}

function backward(args: FusedArgs, recorded: Recorded, gradient: Float32Array): FusedGradients {
  const { steps, batch, units, keepOutputs } = args;
  const { h, activated, kernels, tape } = recorded;
  const size = batch * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh: Float32Array = gradient.slice(outputRows, outputRows + size);
  const dInput = new Float32Array(steps * size);
  const dRecurrent = new Float32Array(steps * size);
  const dBias = new Float32Array(units);
  const through = (site: NormSite, values: Float32Array, t: number): Float32Array => tape.backward(kernels[site], values, t);
  const kernelT = transposeTensor(args);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const { toNew: dhNew, toPrevious: dhPassed } = stateGradientAtStep(args, dh, gradient, t);
    const dhRaw = through('hidden', dhNew, t);
    const dPre = new Float32Array(size);
    for (let k = 0; k < size; k += 1) {
      const y = activated[t * size + k];
      dPre[k] = dhRaw[k] * factorAt(args.stepMasks.candidate, t, k, size) * (1 - y * y);
      dBias[k % units] += dPre[k];
    }
    const dSum = through('gates', dPre, t);
    const dRecurrentStep = through('recurrent', dSum, t);
    dRecurrent.set(dRecurrentStep, t * size);
    dInput.set(through('input', dSum, t), t * size);
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(dRecurrentStep, batch, kernelT));
    for (let k = 0; k < size; k += 1) dhPassed[k] += fromRecurrence[k];
    dh = dhPassed;
  }
  kernelT.dispose();
  const params = [...(recorded.hasBias ? [dBias] : []), ...siteParameterGradients(args, kernels)];
  const recurrentKernel = multiplyTransposed(recurrentInput(args.recurrentMask, h.subarray(0, steps * size)), units, dRecurrent, units);
  return { input: dInput, recurrentKernel, initial: [dh], params };
}
