/**
 * The GRU's training steps on the heap, forward (recording) and backward, both reset positions:
 * `../../fused/gru.ts` in compiled form, with the equations of `src/variants/cells/gru.ts` with every norm
 * absent (gate blocks z, r, h; h̃ = h ⊙ recurrent mask):
 *   z, r = σ(P_zr + h̃_{t−1}·U_zr);  ρ = r ⊙ (h̃_{t−1}·U_h) (reset after) or (r ⊙ h̃_{t−1})·U_h (reset first)
 *   c = tanh(P_h + ρ),  h' = z ⊙ h_{t−1} + (1 − z) ⊙ c ⊙ m (candidate dropout)
 *   h_t = h' + d_h ⊙ (h_{t−1} − h') (zoneout), and at a padded step h_{t−1}, with output zeros.
 * A step is two kernel calls around the candidate's matmul (reset first) or after the one matmul (reset
 * after). Recorded per step: the gates z, r, c `[batch, 3u]` and the reset term `[batch, u]`: h̃·U_h (reset
 * after) or r ⊙ h̃ (reset first, the left operand of the candidate's matmul, written here).
 */
import { activate4, at, lanes, load4, store4, TANH } from './math';
import { gatePrime4, hiddenStateEnd, hiddenStateEndBackward, recurrentMasked, stepFactor, Train } from './train';

/** z and r from P_t and `recurrent` (h̃·U `[batch, 3u]` reset after, h̃·U_zr `[batch, 2u]` first), and the reset term. */
export function gruGatesForward(train: Train, step: i32, input: usize, recurrent: usize, resetAfter: i32, hMasked: usize, gates: usize, resetTerm: usize): void {
  const units = train.units;
  const width = 3 * units;
  const recurrentWidth = (resetAfter != 0 ? 3 : 2) * units;
  const gate = train.gateActivation;
  for (let example = 0; example < train.batch; example += 1) {
    const row = example * width;
    const recurrentRow = example * recurrentWidth;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const z = activate4(f32x4.add(load4(at(input, row + j), count), load4(at(recurrent, recurrentRow + j), count)), gate);
      const r = activate4(f32x4.add(load4(at(input, row + units + j), count), load4(at(recurrent, recurrentRow + units + j), count)), gate);
      store4(at(gates, row + j), z, count);
      store4(at(gates, row + units + j), r, count);
      const term = resetAfter != 0 ? load4(at(recurrent, recurrentRow + 2 * units + j), count) : f32x4.mul(r, load4(at(hMasked, k), count));
      store4(at(resetTerm, k), term, count);
    }
  }
}

/**
 * The candidate and the new state. `candidateRecurrent` is (r ⊙ h̃)·U_h `[batch, u]` (reset first) or 0
 * (reset after: ρ = r ⊙ the recorded reset term).
 */
export function gruStateForward(train: Train, step: i32, input: usize, candidateRecurrent: usize, gates: usize, resetTerm: usize, h: usize, hNext: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  const width = 3 * units;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const z = load4(at(gates, row + j), count);
      const recurrentPart = candidateRecurrent != 0 ? load4(at(candidateRecurrent, k), count) : f32x4.mul(load4(at(gates, row + units + j), count), load4(at(resetTerm, k), count));
      const candidate = activate4(f32x4.add(load4(at(input, row + 2 * units + j), count), recurrentPart), TANH);
      store4(at(gates, row + 2 * units + j), candidate, count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const hNew = f32x4.add(f32x4.mul(z, load4(at(h, k), count)), f32x4.mul(f32x4.mul(f32x4.sub(one, z), candidate), m));
      hiddenStateEnd(train, step, example, k, count, hNew, h, hNext, out, hMaskedNext);
    }
  }
}

/**
 * Backward through the state update and the candidate: from dh (updated in place; `recurrent`, the previous
 * iteration's d(h̃·U…)·Uᵀ, added first) writes dP_t's z and h blocks into `dInput` `[batch, 3u]`, and the
 * gradients of the recurrent products into `dRecurrent`: `[batch, 3u]` (reset after: z, r and dc·r; dP's r
 * block too) or `[batch, 2u]` (reset first: z; r follows in `gruResetBackward`) beside `dCandidate` `[batch, u]`.
 */
export function gruStateBackward(
  train: Train,
  step: i32,
  gates: usize,
  resetTerm: usize,
  h: usize,
  outputGradient: usize,
  recurrent: usize,
  resetAfter: i32,
  dh: usize,
  dInput: usize,
  dRecurrent: usize,
  dCandidate: usize,
): void {
  const units = train.units;
  const width = 3 * units;
  const recurrentWidth = (resetAfter != 0 ? 3 : 2) * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const row = example * width;
    const recurrentRow = example * recurrentWidth;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const dhNew = hiddenStateEndBackward(train, step, example, k, count, outputGradient, recurrent, dh);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const z = load4(at(gates, row + j), count);
      const candidate = load4(at(gates, row + 2 * units + j), count);
      const dCandidatePre = f32x4.mul(f32x4.mul(f32x4.mul(dhNew, f32x4.sub(one, z)), m), f32x4.sub(one, f32x4.mul(candidate, candidate)));
      const dz = f32x4.mul(f32x4.mul(dhNew, f32x4.sub(load4(at(h, k), count), f32x4.mul(m, candidate))), gatePrime4(z, gate));
      store4(at(dInput, row + j), dz, count);
      store4(at(dInput, row + 2 * units + j), dCandidatePre, count);
      store4(at(dRecurrent, recurrentRow + j), dz, count);
      store4(at(dh, k), f32x4.add(load4(at(dh, k), count), f32x4.mul(dhNew, z)), count);
      if (resetAfter != 0) {
        const r = load4(at(gates, row + units + j), count);
        const dr = f32x4.mul(f32x4.mul(dCandidatePre, load4(at(resetTerm, k), count)), gatePrime4(r, gate));
        store4(at(dInput, row + units + j), dr, count);
        store4(at(dRecurrent, recurrentRow + units + j), dr, count);
        store4(at(dRecurrent, recurrentRow + 2 * units + j), f32x4.mul(dCandidatePre, r), count);
      } else {
        store4(at(dCandidate, k), dCandidatePre, count);
      }
    }
  }
}

/**
 * Reset first, after the matmul `dResetProduct` = dc_pre·U_hᵀ `[batch, u]` (the gradient of r ⊙ h̃): dP's and
 * dRecurrent's r blocks, and dh_{t−1} += mask ⊙ (dResetProduct ⊙ r). `h` is h_{t−1} undropped.
 */
export function gruResetBackward(train: Train, gates: usize, h: usize, dResetProduct: usize, dh: usize, dInput: usize, dRecurrent: usize): void {
  const units = train.units;
  const width = 3 * units;
  const gate = train.gateActivation;
  for (let example = 0; example < train.batch; example += 1) {
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const r = load4(at(gates, row + units + j), count);
      const product = load4(at(dResetProduct, k), count);
      const dr = f32x4.mul(f32x4.mul(product, recurrentMasked(train, load4(at(h, k), count), k, count)), gatePrime4(r, gate));
      store4(at(dInput, row + units + j), dr, count);
      store4(at(dRecurrent, example * 2 * units + units + j), dr, count);
      store4(at(dh, k), f32x4.add(load4(at(dh, k), count), recurrentMasked(train, f32x4.mul(product, r), k, count)), count);
    }
  }
}
