/**
 * The simple RNN's training step on the heap, forward (recording) and backward: `../../fused/rnn.ts` in
 * compiled form, with the equation of `src/variants/cells/rnn.ts` with every norm absent:
 *   a = tanh(P_t + h̃_{t−1}·U) (h̃ = h ⊙ recurrent mask),  h' = a ⊙ m (candidate dropout),
 *   h_t = h' + d_h ⊙ (h_{t−1} − h') (zoneout), and at a padded step h_{t−1}, with output zeros.
 */
import { activate4, at, lanes, load4, store4, TANH } from './math';
import { hiddenStateEnd, hiddenStateEndBackward, stepFactor, Train } from './train';

/** Forward step: `input` P_t and `recurrent` h̃_{t−1}·U `[batch, u]`; records a; see `lstmForward`. */
export function rnnForward(train: Train, step: i32, input: usize, recurrent: usize, h: usize, hNext: usize, activated: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  for (let example = 0; example < train.batch; example += 1) {
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const a = activate4(f32x4.add(load4(at(input, k), count), load4(at(recurrent, k), count)), TANH);
      store4(at(activated, k), a, count);
      const hNew = f32x4.mul(a, stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0));
      hiddenStateEnd(train, step, example, k, count, hNew, h, hNext, out, hMaskedNext);
    }
  }
}

/** Backward step: dz_t `[batch, u]` from dh (updated in place, `recurrent` dz_{t+1}·Uᵀ added first); see `lstmBackward`. */
export function rnnBackward(train: Train, step: i32, activated: usize, outputGradient: usize, recurrent: usize, dh: usize, dz: usize): void {
  const units = train.units;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const dhNew = hiddenStateEndBackward(train, step, example, k, count, outputGradient, recurrent, dh);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const y = load4(at(activated, k), count);
      store4(at(dz, k), f32x4.mul(f32x4.mul(dhNew, m), f32x4.sub(one, f32x4.mul(y, y))), count);
    }
  }
}
