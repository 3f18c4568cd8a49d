/**
 * The LSTM's training step on the heap, forward (recording) and backward: `../../fused/lstm.ts` in compiled
 * form, with the equations of `src/variants/cells/lstm.ts` with every norm absent:
 *   z = P_t + h̃_{t−1}·U (h̃ = h ⊙ recurrent mask),  i, f, o = σ(z_i), σ(z_f + k), σ(z_o),  g = tanh(z_g)
 *   c' = f ⊙ c_{t−1} + i ⊙ g ⊙ m (m: candidate dropout),  h' = o ⊙ tanh(c')
 *   c_t = c' + d_c ⊙ (c_{t−1} − c'),  h_t = h' + d_h ⊙ (h_{t−1} − h') (zoneout), and at a padded step the
 *   previous states, with output zeros.
 * Rows are `[batch, 4u]` (blocks i, f, g, o) and `[batch, u]`.
 */
import { activate4, at, lanes, load4, store4, TANH } from './math';
import { cellStateEnd, gatePrime4, hiddenStateEnd, recurrentMasked, stepFactor, Train, validity } from './train';

/**
 * Forward step `step`: `input` P_t and `recurrent` h̃_{t−1}·U `[batch, 4u]`; the states before (`h`, `c`) and
 * after (`hNext`, `cNext`); records the activated gates `[batch, 4u]` and tanh(c') `[batch, u]`; writes the
 * output row (0: none) and h̃_t for the next product (`hMaskedNext`).
 */
export function lstmForward(
  train: Train,
  step: i32,
  input: usize,
  recurrent: usize,
  h: usize,
  c: usize,
  hNext: usize,
  cNext: usize,
  gates: usize,
  cellTanh: usize,
  out: usize,
  hMaskedNext: usize,
): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const forget = f32x4.splat(train.forgetConstant);
  for (let example = 0; example < train.batch; example += 1) {
    const zRow = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const i = activate4(f32x4.add(load4(at(input, zRow + j), count), load4(at(recurrent, zRow + j), count)), gate);
      const f = activate4(f32x4.add(f32x4.add(load4(at(input, zRow + units + j), count), load4(at(recurrent, zRow + units + j), count)), forget), gate);
      const g = activate4(f32x4.add(load4(at(input, zRow + 2 * units + j), count), load4(at(recurrent, zRow + 2 * units + j), count)), TANH);
      const o = activate4(f32x4.add(load4(at(input, zRow + 3 * units + j), count), load4(at(recurrent, zRow + 3 * units + j), count)), gate);
      store4(at(gates, zRow + j), i, count);
      store4(at(gates, zRow + units + j), f, count);
      store4(at(gates, zRow + 2 * units + j), g, count);
      store4(at(gates, zRow + 3 * units + j), o, count);
      const cPrevious = load4(at(c, k), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const cNew = f32x4.add(f32x4.mul(f, cPrevious), f32x4.mul(f32x4.mul(i, g), m));
      const tc = activate4(cNew, TANH);
      store4(at(cellTanh, k), tc, count);
      cellStateEnd(train, step, example, k, count, cNew, c, cNext);
      hiddenStateEnd(train, step, example, k, count, f32x4.mul(o, tc), h, hNext, out, hMaskedNext);
    }
  }
}

/**
 * Backward step `step`: from the gradients at h_t and c_t (`dh`, `dc`, updated in place to those at h_{t−1}
 * and c_{t−1}, except the part through h·U) and the step's output gradient (`outputGradient`, 0: outputs
 * not kept), writes dz_t `[batch, 4u]`. `recurrent` is dz_{t+1}·Uᵀ, added to `dh` first (0 at the last step).
 */
export function lstmBackward(
  train: Train,
  step: i32,
  gates: usize,
  cellTanh: usize,
  c: usize,
  outputGradient: usize,
  recurrent: usize,
  dh: usize,
  dc: usize,
  dz: usize,
): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    const zRow = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      let dhIn = load4(at(dh, k), count);
      if (recurrent != 0) dhIn = f32x4.add(dhIn, recurrentMasked(train, load4(at(recurrent, k), count), k, count));
      const dcIn = load4(at(dc, k), count);
      const fromOutput = outputGradient == 0 ? f32x4.splat(0.0) : load4(at(outputGradient, k), count);
      // Gradients at the zoned-out states, then through zoneout's mix to the new and the previous ones.
      const dhZoned = f32x4.mul(valid, f32x4.add(dhIn, fromOutput));
      const dcZoned = f32x4.mul(valid, dcIn);
      const zc = stepFactor(train.zoneoutCell, train.zoneoutCellStride, step, k, count, 0.0);
      const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const dhNew = f32x4.mul(dhZoned, f32x4.sub(one, zh));
      const i = load4(at(gates, zRow + j), count);
      const f = load4(at(gates, zRow + units + j), count);
      const g = load4(at(gates, zRow + 2 * units + j), count);
      const o = load4(at(gates, zRow + 3 * units + j), count);
      const tc = load4(at(cellTanh, k), count);
      const dcNew = f32x4.add(f32x4.mul(dcZoned, f32x4.sub(one, zc)), f32x4.mul(f32x4.mul(dhNew, o), f32x4.sub(one, f32x4.mul(tc, tc))));
      store4(at(dz, zRow + j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, g), m), gatePrime4(i, gate)), count);
      store4(at(dz, zRow + units + j), f32x4.mul(f32x4.mul(dcNew, load4(at(c, k), count)), gatePrime4(f, gate)), count);
      store4(at(dz, zRow + 2 * units + j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, i), m), f32x4.sub(one, f32x4.mul(g, g))), count);
      store4(at(dz, zRow + 3 * units + j), f32x4.mul(f32x4.mul(dhNew, tc), gatePrime4(o, gate)), count);
      store4(at(dc, k), f32x4.add(f32x4.add(f32x4.mul(dcNew, f), f32x4.mul(invalid, dcIn)), f32x4.mul(dcZoned, zc)), count);
      store4(at(dh, k), f32x4.add(f32x4.mul(invalid, dhIn), f32x4.mul(dhZoned, zh)), count);
    }
  }
}
