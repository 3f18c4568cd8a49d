/**
 * The simple RNN's training step on the heap, forward (recording) and backward: `../../fused/rnn.ts` in
 * compiled form, with the equation of `src/variants/cells/rnn.ts` with every norm absent:
 *   a = tanh(P_t + h̃_{t−1}·U) (h̃ = h ⊙ recurrent mask),  h' = a ⊙ m (candidate dropout),
 *   h_t = h' + d_h ⊙ (h_{t−1} − h') (zoneout), and at a padded step h_{t−1}, with output zeros.
 */
import { activate4, at, lanes, load4, store4, TANH } from './math';
import { recurrentMasked, stepFactor, Train, validity } from './train';

/** Forward step: `input` P_t and `recurrent` h̃_{t−1}·U `[batch, u]`; records a; see `lstmForward`. */
export function rnnForward(train: Train, step: i32, input: usize, recurrent: usize, h: usize, hNext: usize, activated: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const a = activate4(f32x4.add(load4(at(input, k), count), load4(at(recurrent, k), count)), TANH);
      store4(at(activated, k), a, count);
      const hNew = f32x4.mul(a, stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0));
      const hPrevious = load4(at(h, k), count);
      const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
      const hZoned = f32x4.add(hNew, f32x4.mul(zh, f32x4.sub(hPrevious, hNew)));
      const hValue = f32x4.add(f32x4.mul(valid, hZoned), f32x4.mul(invalid, hPrevious));
      store4(at(hNext, k), hValue, count);
      if (out != 0) store4(at(out, k), f32x4.mul(valid, hZoned), count);
      store4(at(hMaskedNext, k), recurrentMasked(train, hValue, k, count), count);
    }
  }
}

/** Backward step: dz_t `[batch, u]` from dh (updated in place, `recurrent` dz_{t+1}·Uᵀ added first); see `lstmBackward`. */
export function rnnBackward(train: Train, step: i32, activated: usize, outputGradient: usize, recurrent: usize, dh: usize, dz: usize): void {
  const units = train.units;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      let dhIn = load4(at(dh, k), count);
      if (recurrent != 0) dhIn = f32x4.add(dhIn, recurrentMasked(train, load4(at(recurrent, k), count), k, count));
      const fromOutput = outputGradient == 0 ? f32x4.splat(0.0) : load4(at(outputGradient, k), count);
      const dhZoned = f32x4.mul(valid, f32x4.add(dhIn, fromOutput));
      const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const y = load4(at(activated, k), count);
      store4(at(dz, k), f32x4.mul(f32x4.mul(f32x4.mul(dhZoned, f32x4.sub(one, zh)), m), f32x4.sub(one, f32x4.mul(y, y))), count);
      store4(at(dh, k), f32x4.add(f32x4.mul(invalid, dhIn), f32x4.mul(dhZoned, zh)), count);
    }
  }
}
