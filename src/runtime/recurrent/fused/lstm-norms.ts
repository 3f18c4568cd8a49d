/**
 * The LSTM recurrence with normalization sites inside the loop (recurrent, gates, cell, hidden, and a
 * per-step batch-normalized input) as one fused op with a hand-written backward pass; the same equations as
 * `cells/lstm.ts`: `z = N_gates(N_in(P_t) + N_rec(h·U)) + b`, `c_t = σ(z_f + k) ⊙ c + σ(z_i) ⊙ tanh(z_g)`,
 * `ĉ = N_cell(c_t)`, `h_t = N_hidden(σ(z_o) ⊙ tanh(ĉ))`, carried c = ĉ or c_t.
 */
import type { NormSite } from '../../../ir/types.js';
import { addColumns, factorAt, gateDerivative, gateFunction, multiply, multiplyTransposed, recurrentInput, tanh, transposeTensor, zoneoutAt } from './math.js';
import { NormTape, siteKernels, siteParameterGradients, siteStatistics } from './loop-norms.js';
import type { SiteKernels } from './loop-norms.js';
import type { FusedArgs, FusedCell, FusedGradients, FusedRun } from './types.js';

export const fusedNormalizedLstm: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, mask, keepOutputs, forgetConstant } = args;
    const { candidate: candidateMask, zoneoutCell, zoneoutHidden } = args.stepMasks;
    const { kernels, bias } = siteKernels(args);
    const carryNormalized = kernels.cell?.norm.carry === true;
    const gate = gateFunction(args.gateActivation);
    const width = 4 * units;
    const size = batch * units;
    const h = new Float32Array((steps + 1) * size);
    const c = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    c.set(args.initial[1]);
    const gates = new Float32Array(steps * batch * width);
    const cellTanh = new Float32Array(steps * size);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    const tape = new NormTape(mask, batch);
    const normalize = (site: NormSite, values: Float32Array, t: number): Float32Array => tape.forward(kernels[site], values, t);
    for (let t = 0; t < steps; t += 1) {
      const projected = normalize('input', args.input.slice(t * batch * width, (t + 1) * batch * width), t);
      const recurrent = normalize('recurrent', multiply(recurrentInput(args.recurrentMask, h.subarray(t * size, (t + 1) * size)), batch, args.recurrentKernel), t);
      const z = normalize('gates', addColumns(projected, width, 0, recurrent, width, 0, batch, width), t);
      if (bias !== null) for (let i = 0; i < z.length; i += 1) z[i] += bias[i % width];
      const cNew = new Float32Array(size);
      for (let n = 0; n < batch; n += 1) {
        const row = (t * batch + n) * width;
        const zRow = n * width;
        for (let j = 0; j < units; j += 1) {
          const i = gate(z[zRow + j]);
          const f = gate(z[zRow + units + j] + forgetConstant);
          const g = tanh(z[zRow + 2 * units + j]);
          gates[row + j] = i;
          gates[row + units + j] = f;
          gates[row + 2 * units + j] = g;
          gates[row + 3 * units + j] = gate(z[zRow + 3 * units + j]);
          cNew[n * units + j] = f * c[t * size + n * units + j] + i * g * factorAt(candidateMask, t, n * units + j, size);
        }
      }
      const cNormalized = normalize('cell', cNew, t);
      const hRaw = new Float32Array(size);
      for (let n = 0; n < batch; n += 1) {
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const tc = tanh(cNormalized[k]);
          cellTanh[t * size + k] = tc;
          hRaw[k] = gates[(t * batch + n) * width + 3 * units + j] * tc;
        }
      }
      const hNew = normalize('hidden', hRaw, t);
      const cCarried = carryNormalized ? cNormalized : cNew;
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const [cPrevious, hPrevious] = [c[t * size + k], h[t * size + k]];
          const cZoned = cCarried[k] + zoneoutAt(zoneoutCell, t, k, size) * (cPrevious - cCarried[k]);
          const hZoned = hNew[k] + zoneoutAt(zoneoutHidden, t, k, size) * (hPrevious - hNew[k]);
          c[(t + 1) * size + k] = valid * cZoned + (1 - valid) * cPrevious;
          h[(t + 1) * size + k] = valid * hZoned + (1 - valid) * hPrevious;
          if (outputs !== null) outputs[t * size + k] = valid * hZoned;
        }
      }
    }
    const packed = new Float32Array((outputs === null ? 0 : steps * size) + 2 * size);
    if (outputs !== null) packed.set(outputs);
    packed.set(h.subarray(steps * size), packed.length - 2 * size);
    packed.set(c.subarray(steps * size), packed.length - size);
    const recorded = { h, c, gates, cellTanh, tape, kernels, bias: bias !== null, carryNormalized };
    return {
      packed,
      statistics: siteStatistics(kernels, tape),
      backward: (gradient) => backward(args, recorded, gradient, gateDerivative(args.gateActivation)),
    };
  },
};

interface Recorded {
  h: Float32Array;
  c: Float32Array;
  gates: Float32Array;
  cellTanh: Float32Array;
  tape: NormTape;
  kernels: SiteKernels;
  bias: boolean;
  carryNormalized: boolean;
}

function backward(args: FusedArgs, recorded: Recorded, gradient: Float32Array, gatePrime: (y: number) => number): FusedGradients {
  const { steps, batch, units, mask, keepOutputs } = args;
  const { candidate: candidateMask, zoneoutCell, zoneoutHidden } = args.stepMasks;
  const { h, c, gates, cellTanh, tape, kernels } = recorded;
  const width = 4 * units;
  const size = batch * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh = gradient.slice(outputRows, outputRows + size);
  let dc = gradient.slice(outputRows + size, outputRows + 2 * size);
  const dInput = new Float32Array(steps * batch * width);
  const dRecurrent = new Float32Array(steps * batch * width);
  const dBias = new Float32Array(width);
  const kernelT = transposeTensor(args);
  const through = (site: NormSite, values: Float32Array, t: number): Float32Array => tape.backward(kernels[site], values, t);
  for (let t = steps - 1; t >= 0; t -= 1) {
    // Gradients w.r.t. the zoned-out states, then through zoneout's mix to the new and previous ones.
    const dhNew = new Float32Array(size);
    const dcCarried = new Float32Array(size);
    const dhFromZoneout = new Float32Array(size);
    const dcFromZoneout = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      for (let k = n * units; k < (n + 1) * units; k += 1) {
        const [zc, zh] = [zoneoutAt(zoneoutCell, t, k, size), zoneoutAt(zoneoutHidden, t, k, size)];
        const dhZoned = valid * (dh[k] + (keepOutputs ? gradient[t * size + k] : 0));
        const dcZoned = valid * dc[k];
        dhNew[k] = dhZoned * (1 - zh);
        dcCarried[k] = dcZoned * (1 - zc);
        dhFromZoneout[k] = dhZoned * zh;
        dcFromZoneout[k] = dcZoned * zc;
      }
    }
    const dhRaw = through('hidden', dhNew, t);
    const dcNormalized = new Float32Array(size);
    const dz = new Float32Array(batch * width);
    for (let n = 0; n < batch; n += 1) {
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        const o = gates[(t * batch + n) * width + 3 * units + j];
        const tc = cellTanh[t * size + k];
        dz[n * width + 3 * units + j] = dhRaw[k] * tc * gatePrime(o);
        dcNormalized[k] = dhRaw[k] * o * (1 - tc * tc) + (recorded.carryNormalized ? dcCarried[k] : 0);
      }
    }
    const dcNew = through('cell', dcNormalized, t);
    if (!recorded.carryNormalized) for (let k = 0; k < size; k += 1) dcNew[k] += dcCarried[k];
    const dcPrevious = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      const row = (t * batch + n) * width;
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        const i = gates[row + j];
        const f = gates[row + units + j];
        const g = gates[row + 2 * units + j];
        const m = factorAt(candidateMask, t, k, size);
        dz[n * width + j] = dcNew[k] * g * m * gatePrime(i);
        dz[n * width + units + j] = dcNew[k] * c[t * size + k] * gatePrime(f);
        dz[n * width + 2 * units + j] = dcNew[k] * i * m * (1 - g * g);
        dcPrevious[k] = dcNew[k] * f + (1 - valid) * dc[k] + dcFromZoneout[k];
      }
    }
    for (let i = 0; i < dz.length; i += 1) dBias[i % width] += dz[i];
    const dSum = through('gates', dz, t);
    const dRecurrentStep = through('recurrent', dSum, t);
    dInput.set(through('input', dSum, t), t * batch * width);
    dRecurrent.set(dRecurrentStep, t * batch * width);
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(dRecurrentStep, batch, kernelT));
    const dhPrevious = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      for (let k = n * units; k < (n + 1) * units; k += 1) dhPrevious[k] = fromRecurrence[k] + (1 - valid) * dh[k] + dhFromZoneout[k];
    }
    dh = dhPrevious;
    dc = dcPrevious;
  }
  kernelT.dispose();
  const params = [...(recorded.bias ? [dBias] : []), ...siteParameterGradients(args, kernels)];
  const recurrentKernel = multiplyTransposed(recurrentInput(args.recurrentMask, h.subarray(0, steps * size)), units, dRecurrent, width);
  return { input: dInput, recurrentKernel, initial: [dh, dc], params };
}
