/**
 * The plain simple-RNN recurrence as one fused op (see `lstm.ts` for why): `h_t = tanh(P_t + h_{t−1}·U)`,
 * the same equation as `cells/rnn.ts` with every norm and in-loop dropout absent.
 */
import { factorAt, multiply, multiplyTransposed, recurrentInput, tanh, transposeTensor, zoneoutAt } from './math.js';
import type { FusedArgs, FusedCell, FusedRun } from './types.js';

export const fusedRnn: FusedCell = {
  run(args: FusedArgs): FusedRun {
    const { steps, batch, units, input, mask, keepOutputs } = args;
    const size = batch * units;
    const h = new Float32Array((steps + 1) * size);
    h.set(args.initial[0]);
    const activated = new Float32Array(steps * size);
    const outputs = keepOutputs ? new Float32Array(steps * size) : null;
    for (let t = 0; t < steps; t += 1) {
      const recurrent = multiply(recurrentInput(args.recurrentMask, h.subarray(t * size, (t + 1) * size)), batch, args.recurrentKernel);
      for (let n = 0; n < batch; n += 1) {
        const valid = mask === null ? 1 : mask[t * batch + n];
        for (let j = 0; j < units; j += 1) {
          const k = n * units + j;
          const activation = tanh(input[t * size + k] + recurrent[k]);
          activated[t * size + k] = activation;
          // Candidate dropout scales the new state; zoneout then mixes in the previous one.
          const hNew = activation * factorAt(args.stepMasks.candidate, t, k, size);
          const hPrevious = h[t * size + k];
          const hZoned = hNew + zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size) * (hPrevious - hNew);
          h[(t + 1) * size + k] = valid * hZoned + (1 - valid) * hPrevious;
          if (outputs !== null) outputs[t * size + k] = valid * hZoned;
        }
      }
    }
    const packed = new Float32Array((outputs === null ? 0 : steps * size) + size);
    if (outputs !== null) packed.set(outputs);
    packed.set(h.subarray(steps * size), packed.length - size);
    return { packed, statistics: [], backward: (gradient) => backward(args, h, activated, gradient) };
  },
};

function backward(args: FusedArgs, h: Float32Array, activated: Float32Array, gradient: Float32Array) {
  const { steps, batch, units, mask, keepOutputs } = args;
  const size = batch * units;
  const outputRows = keepOutputs ? steps * size : 0;
  let dh = gradient.slice(outputRows, outputRows + size);
  const dz = new Float32Array(steps * size);
  const kernelT = transposeTensor(args);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const dhPassed = new Float32Array(size);
    for (let n = 0; n < batch; n += 1) {
      const valid = mask === null ? 1 : mask[t * batch + n];
      for (let j = 0; j < units; j += 1) {
        const k = n * units + j;
        const dhZoned = valid * (dh[k] + (keepOutputs ? gradient[t * size + k] : 0));
        const zoned = zoneoutAt(args.stepMasks.zoneoutHidden, t, k, size);
        const y = activated[t * size + k];
        dz[t * size + k] = dhZoned * (1 - zoned) * factorAt(args.stepMasks.candidate, t, k, size) * (1 - y * y);
        dhPassed[k] = (1 - valid) * dh[k] + dhZoned * zoned;
      }
    }
    const fromRecurrence = recurrentInput(args.recurrentMask, multiply(dz.subarray(t * size, (t + 1) * size), batch, kernelT));
    for (let k = 0; k < size; k += 1) dhPassed[k] += fromRecurrence[k];
    dh = dhPassed;
  }
  kernelT.dispose();
  return { input: dz, recurrentKernel: multiplyTransposed(recurrentInput(args.recurrentMask, h.subarray(0, steps * size)), units, dz, units), initial: [dh], params: [] };
}
