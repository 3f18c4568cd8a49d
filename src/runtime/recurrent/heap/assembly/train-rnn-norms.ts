/**
 * The simple RNN's training step with layer or RMS norms inside the loop, forward (recording) and backward:
 * `../../fused/rnn-norms.ts` in compiled form, with the equation of `src/variants/cells/rnn.ts`:
 *   a = tanh(N_gates(P_t + N_rec(h̃_{t−1}·U)) + b),  h' = N_hidden(a ⊙ m),
 * then zoneout and the mask as in `train-rnn.ts`. Each layer or RMS norm is applied to a whole step's rows at
 * once (`normForwardStep`, `train-norm.ts`) at the start of a phase (forward) or the end of one (backward),
 * as in `train-gru-norms.ts`: a step is three phases each way, and a batch norm runs between two of them,
 * called by the caller (the input site's norm, with statistics per example, runs before the op; as a batch
 * norm, the caller's before the step). `rnnNormsForward` and `rnnNormsBackward` run the three phases in one
 * call when no site has a batch norm. `RNN_NORMS_FIELDS` in `../structs.ts` is `RnnNorms`'s field order.
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
  /** Room for batch·u floats: forward a ⊙ m, the state before the hidden norm; backward its gradient. */
  scratch: usize;
}

/** Forward phase 1: N_rec(h̃·U) in place on `recurrent` `[batch, u]`, then P_t added to it (`input` is N_in(P_t) under an input norm). */
export function rnnNormsSum(train: Train, norms: RnnNorms, step: i32, input: usize, recurrent: usize): void {
  const units = train.units;
  const batch = train.batch;
  normForwardStep(norms.recurrent, step, batch, recurrent, units, units);
  addRows(recurrent, input, recurrent, batch * units);
}

/** Forward phase 2: a = tanh(N_gates(`recurrent`) + b) recorded in `activated`, and a ⊙ m in the scratch. */
export function rnnNormsActivate(train: Train, norms: RnnNorms, step: i32, recurrent: usize, activated: usize): void {
  const units = train.units;
  const batch = train.batch;
  const hNew = norms.scratch;
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
}

/** Forward phase 3: N_hidden of the scratch, then zoneout, the mask, the new state, the output and h̃. */
export function rnnNormsStateEnd(train: Train, norms: RnnNorms, step: i32, h: usize, hNext: usize, out: usize, hMaskedNext: usize): void {
  normalizedStateEnd(train, norms.hidden, step, norms.scratch, h, hNext, out, hMaskedNext);
}

/** Forward step, phases 1 to 3; arguments as `rnnForward`'s (`recurrent` h̃·U is normalized, and summed with P_t, in place). */
export function rnnNormsForward(train: Train, norms: RnnNorms, step: i32, input: usize, recurrent: usize, h: usize, hNext: usize, activated: usize, out: usize, hMaskedNext: usize): void {
  rnnNormsSum(train, norms, step, input, recurrent);
  rnnNormsActivate(train, norms, step, recurrent, activated);
  rnnNormsStateEnd(train, norms, step, h, hNext, out, hMaskedNext);
}

/** Backward phase 3: dh_t (with dz_{t+1}·Uᵀ where `recurrent` is not 0) through zoneout and N_hidden into the scratch; `dh` keeps what reaches h_{t−1} directly. */
export function rnnNormsStateEndBackward(train: Train, norms: RnnNorms, step: i32, outputGradient: usize, recurrent: usize, dh: usize): void {
  normalizedStateEndBackward(train, norms.hidden, step, outputGradient, recurrent, dh, norms.scratch);
}

/** Backward phase 2: from the scratch, the gradient at tanh's input into `dInput` `[batch, u]`, db, then through N_gates. */
export function rnnNormsActivateBackward(train: Train, norms: RnnNorms, step: i32, activated: usize, dInput: usize): void {
  const units = train.units;
  const batch = train.batch;
  const one = f32x4.splat(1.0);
  const dNew = norms.scratch;
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
}

/** Backward phase 1: dP_t = `dInput` copied into `dRecurrent`, then that through N_rec (the caller takes dP_t through an input norm). */
export function rnnNormsSumBackward(train: Train, norms: RnnNorms, step: i32, dInput: usize, dRecurrent: usize): void {
  const units = train.units;
  const batch = train.batch;
  memory.copy(dRecurrent, dInput, <usize>(batch * units) << 2);
  normBackwardStep(norms.recurrent, step, batch, dRecurrent, units, units);
}

/**
 * Backward step, phases 3 to 1; arguments as `rnnBackward`'s, but two outputs: dP_t `dInput` and the
 * gradient of the recurrent product `dRecurrent` (`[batch, u]` each; they differ by the recurrent norm).
 */
export function rnnNormsBackward(train: Train, norms: RnnNorms, step: i32, activated: usize, outputGradient: usize, recurrent: usize, dh: usize, dInput: usize, dRecurrent: usize): void {
  rnnNormsStateEndBackward(train, norms, step, outputGradient, recurrent, dh);
  rnnNormsActivateBackward(train, norms, step, activated, dInput);
  rnnNormsSumBackward(train, norms, step, dInput, dRecurrent);
}
