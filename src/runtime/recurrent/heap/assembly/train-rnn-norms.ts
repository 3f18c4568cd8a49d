/**
 * The simple RNN's training step with layer or RMS norms inside the loop, forward (recording) and backward:
 * `../../fused/rnn-norms.ts` in compiled form, with the equation of `src/variants/cells/rnn.ts`:
 *   a = tanh(N_gates(P_t + N_rec(h̃_{t−1}·U)) + b),  h' = N_hidden(a ⊙ m),
 * then zoneout and the mask as in `train-rnn.ts`. The input site's norm runs before the op (statistics per
 * example); each site is applied to a whole step's rows at once (`normForwardStep`, `train-norm.ts`), as in
 * `train-gru-norms.ts`. `RNN_NORMS_FIELDS` in `../structs.ts` is `RnnNorms`'s field order.
 */
import { activate4, addRows, at, lanes, load4, store4, TANH } from './math';
import { stepFactor, Train } from './train';
import { normalizedStateEnd, normalizedStateEndBackward, normBackwardStep, normForwardStep } from './train-norm';

@unmanaged
export class RnnNorms {
  /** `Site` structs, 0 where the site has no norm. */
  recurrent: usize;
  gates: usize;
  hidden: usize;
  /** b `[u]` and its gradient, or 0 (then the bias, if any, was added before the op). */
  bias: usize;
  dBias: usize;
  /** Room for batch·u floats. */
  scratch: usize;
}

/** Forward step; arguments as `rnnForward`'s (`recurrent` h̃·U is normalized, and summed with P_t, in place). */
export function rnnNormsForward(train: Train, norms: RnnNorms, step: i32, input: usize, recurrent: usize, h: usize, hNext: usize, activated: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  const batch = train.batch;
  const hNew = norms.scratch;
  normForwardStep(norms.recurrent, step, batch, recurrent, units, units);
  addRows(recurrent, input, recurrent, batch * units);
  normForwardStep(norms.gates, step, batch, recurrent, units, units);
  for (let example = 0; example < batch; example += 1) {
    if (norms.bias != 0) addRows(at(recurrent, example * units), at(recurrent, example * units), norms.bias, units);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const a = activate4(load4(at(recurrent, k), count), TANH);
      store4(at(activated, k), a, count);
      store4(at(hNew, k), f32x4.mul(a, stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0)), count);
    }
  }
  normalizedStateEnd(train, norms.hidden, step, hNew, h, hNext, out, hMaskedNext);
}

/**
 * Backward step; arguments as `rnnBackward`'s, but two outputs: dP_t `dInput` and the gradient of the
 * recurrent product `dRecurrent` (`[batch, u]` each; they differ by the recurrent norm).
 */
export function rnnNormsBackward(train: Train, norms: RnnNorms, step: i32, activated: usize, outputGradient: usize, recurrent: usize, dh: usize, dInput: usize, dRecurrent: usize): void {
  const units = train.units;
  const batch = train.batch;
  const one = f32x4.splat(1.0);
  const dNew = norms.scratch;
  normalizedStateEndBackward(train, norms.hidden, step, outputGradient, recurrent, dh, dNew);
  for (let example = 0; example < batch; example += 1) {
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const y = load4(at(activated, k), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      store4(at(dInput, k), f32x4.mul(f32x4.mul(load4(at(dNew, k), count), m), f32x4.sub(one, f32x4.mul(y, y))), count);
    }
    if (norms.dBias != 0) addRows(norms.dBias, norms.dBias, at(dInput, example * units), units);
  }
  normBackwardStep(norms.gates, step, batch, dInput, units, units);
  memory.copy(dRecurrent, dInput, <usize>(batch * units) << 2);
  normBackwardStep(norms.recurrent, step, batch, dRecurrent, units, units);
}
