/**
 * The plain LSTM recurrence (no norms inside the loop, no dropout inside the loop) as one fused op: the
 * `h·U` matmuls run on the backend, the gate arithmetic in a JavaScript loop, and the backward pass is
 * written out (backpropagation through time), so a step costs one backend op instead of a dozen and its
 * gradient needs no transposed matmuls. Same equations as `cells/lstm.ts` with every norm absent:
 * `z = P_t + h_{t−1}·U`, `c_t = σ(z_f + k) ⊙ c_{t−1} + σ(z_i) ⊙ tanh(z_g)`, `h_t = σ(z_o) ⊙ tanh(c_t)`.
 */
import { factorAt, gateDerivative, gateFunction, multiply, multiplyTransposed, recurrentInput, tanh, transposeTensor, zoneoutAt } from './math.js';
import type { FusedArgs, FusedCell, FusedRun } from './types.js';

export const fusedLstm: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, input, mask, keepOutputs, forgetConstant } = args;
    const { candidate: candidateMask, zoneoutCell, zoneoutHidden } = args.stepMasks;
    const gate = gateFunction(args.gateActivation);
    const width = 4 * units;
    const size = batch * units;
    // Carried states per step (index 0 the initial ones), and what the backward pass needs per step.
    const h = new Float32Array((steps + 1) * size);
    const c = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    c.set(args.initial[1]);
    // At inference only the current step's gates are needed, so one step's worth is reused.
    const recordedSteps = args.record ? steps : 1;
    const gates = new Float32Array(recordedSteps * batch * width);
    const cellTanh = new Float32Array(recordedSteps * size);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    for (let t = 0; t < steps; t += 1) {
      const recurrent = multiply(recurrentInput(args.recurrentMask, h.subarray(t * size, (t + 1) * size)), batch, args.recurrentKernel);
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        const row = (t * batch + n) * width;
        const recordRow = ((args.record ? t : 0) * batch + n) * width;
        for (let j = 0; j < units; j += 1) {
          const zRow = n * width + j;
          const i = gate(input[row + j] + recurrent[zRow]);
          const f = gate(input[row + units + j] + recurrent[zRow + units] + forgetConstant);
          const g = tanh(input[row + 2 * units + j] + recurrent[zRow + 2 * units]);
          const o = gate(input[row + 3 * units + j] + recurrent[zRow + 3 * units]);
          gates[recordRow + j] = i;
          gates[recordRow + units + j] = f;
          gates[recordRow + 2 * units + j] = g;
          gates[recordRow + 3 * units + j] = o;
          const k = n * units + j;
          const cPrevious = c[t * size + k];
          const hPrevious = h[t * size + k];
          // Candidate dropout scales g where it enters c; zoneout then mixes in the previous states.
          const cNew = f * cPrevious + i * g * factorAt(candidateMask, t, k, size);
          const tc = tanh(cNew);
          cellTanh[(args.record ? t * size : 0) + k] = tc;
          const hNew = o * tc;
          const cZoned = cNew + zoneoutAt(zoneoutCell, t, k, size) * (cPrevious - cNew);
          const hZoned = hNew + zoneoutAt(zoneoutHidden, t, k, size) * (hPrevious - hNew);
          // Padded steps carry the state unchanged and output zeros.
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
    return { packed, statistics: [], backward: (gradient) => backward(args, { h, c, gates, cellTanh }, gradient, gateDerivative(args.gateActivation)) };
  },
};

interface Recorded {
  h: Float32Array;
  c: Float32Array;
  gates: Float32Array;
  cellTanh: Float32Array;
}

function backward(args: FusedArgs, recorded: Recorded, gradient: Float32Array, gatePrime: (y: number) => number) {
  const { steps, batch, units, mask, keepOutputs } = args;
  const { candidate: candidateMask, zoneoutCell, zoneoutHidden } = args.stepMasks;
  const { h, c, gates, cellTanh } = recorded;
  const width = 4 * units;
  const size = batch * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh = gradient.slice(outputRows, outputRows + size);
  let dc = gradient.slice(outputRows + size, outputRows + 2 * size);
  const dz = new Float32Array(steps * batch * width);
  // U is needed transposed for dh_{t−1} = dz·Uᵀ; made once, as a plain (fast) matmul operand.
  const kernelT = transposeTensor(args);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const dcPrevious = new Float32Array(size);
    const dhPassed = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      const row = (t * batch + n) * width;
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        // Gradients w.r.t. the zoned-out states, then through zoneout's mix to the new and previous ones.
        const dhZoned = valid * (dh[k] + (keepOutputs ? gradient[t * size + k] : 0));
        const dcZoned = valid * dc[k];
        const [zc, zh] = [zoneoutAt(zoneoutCell, t, k, size), zoneoutAt(zoneoutHidden, t, k, size)];
        const m = factorAt(candidateMask, t, k, size);
        const dhNew = dhZoned * (1 - zh);
        const i = gates[row + j];
        const f = gates[row + units + j];
        const g = gates[row + 2 * units + j];
        const o = gates[row + 3 * units + j];
        const tc = cellTanh[t * size + k];
        const dcNew = dcZoned * (1 - zc) + dhNew * o * (1 - tc * tc);
        dz[row + j] = dcNew * g * m * gatePrime(i);
        dz[row + units + j] = dcNew * c[t * size + k] * gatePrime(f);
        dz[row + 2 * units + j] = dcNew * i * m * (1 - g * g);
        dz[row + 3 * units + j] = dhNew * tc * gatePrime(o);
        dcPrevious[k] = dcNew * f + (1 - valid) * dc[k] + dcZoned * zc;
        dhPassed[k] = (1 - valid) * dh[k] + dhZoned * zh;
      }
    }
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(dz.subarray(t * batch * width, (t + 1) * batch * width), batch, kernelT));
    for (let k = 0; k < size; k += 1) dhPassed[k] += fromRecurrence[k];
    dh = dhPassed;
    dc = dcPrevious;
  }
  kernelT.dispose();
  const recurrentKernel = multiplyTransposed(recurrentInput(args.recurrentMask, h.subarray(0, steps * size)), units, dz, width);
  return { input: dz, recurrentKernel, initial: [dh, dc], params: [] };
}
