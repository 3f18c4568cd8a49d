/**
 * The LSTM's training step with layer or RMS norms inside the loop, forward (recording) and backward:
 * `../../fused/lstm-norms.ts` in compiled form, with the equations of `src/variants/cells/lstm.ts`:
 *   z = N_gates(P_t + N_rec(h̃_{t−1}·U)) + b,  i, f, o = σ(z_i), σ(z_f + k), σ(z_o),  g = tanh(z_g)
 *   c' = f ⊙ c_{t−1} + i ⊙ g ⊙ m,  ĉ = N_cell(c'),  h' = N_hidden(o ⊙ tanh(ĉ)),  carried c' or ĉ,
 * then zoneout and the mask as in `train-lstm.ts`. The input site's norm is not here: with statistics per
 * example it runs on all steps at once, before the op. Each site's norm works on one example's row
 * (`train-norm.ts`), so a row's whole step stays in one pass. `LSTM_NORMS_FIELDS` in `../structs.ts` is
 * `LstmNorms`'s field order.
 */
import { activate4, addRows, at, lanes, load4, store4, TANH } from './math';
import { gatePrime4, recurrentMasked, stepFactor, Train, validity } from './train';
import { normBackwardRow, normForwardRow, Site } from './train-norm';

@unmanaged
export class LstmNorms {
  /** `Site` structs, 0 where the site has no norm. */
  recurrent: usize;
  gates: usize;
  cell: usize;
  hidden: usize;
  /** b `[4u]` and its gradient, or 0 (then the bias, if any, was added before the op). */
  bias: usize;
  dBias: usize;
  /** Whether the normalized ĉ is carried to the next step. */
  carry: i32;
  /** Room for 3·u floats. */
  scratch: usize;
}

@inline function normalizeInPlace(site: usize, row: i32, value: usize, out: usize, units: i32): void {
  if (site != 0) normForwardRow(changetype<Site>(site), row, value, out, units);
  else if (out != value) memory.copy(out, value, <usize>units << 2);
}

@inline function backInPlace(site: usize, row: i32, gradient: usize, units: i32): void {
  if (site != 0) normBackwardRow(changetype<Site>(site), row, gradient, gradient, units);
}

/** Forward step; arguments as `lstmForward`'s (`recurrent` h̃·U is normalized in place). */
export function lstmNormsForward(
  train: Train,
  norms: LstmNorms,
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
  const one = f32x4.splat(1.0);
  const forget = f32x4.splat(train.forgetConstant);
  const cNew = norms.scratch;
  const cHat = norms.cell != 0 ? at(norms.scratch, units) : cNew;
  const hNew = at(norms.scratch, 2 * units);
  for (let example = 0; example < train.batch; example += 1) {
    const row = step * train.batch + example;
    const z = at(recurrent, example * width);
    if (norms.recurrent != 0) normalizeInPlace(norms.recurrent, row, z, z, units);
    addRows(z, at(input, example * width), z, width);
    if (norms.gates != 0) normalizeInPlace(norms.gates, row, z, z, units);
    if (norms.bias != 0) addRows(z, z, norms.bias, width);
    const gateRow = at(gates, example * width);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const i = activate4(load4(at(z, j), count), gate);
      const f = activate4(f32x4.add(load4(at(z, units + j), count), forget), gate);
      const g = activate4(load4(at(z, 2 * units + j), count), TANH);
      store4(at(gateRow, j), i, count);
      store4(at(gateRow, units + j), f, count);
      store4(at(gateRow, 2 * units + j), g, count);
      store4(at(gateRow, 3 * units + j), activate4(load4(at(z, 3 * units + j), count), gate), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      store4(at(cNew, j), f32x4.add(f32x4.mul(f, load4(at(c, k), count)), f32x4.mul(f32x4.mul(i, g), m)), count);
    }
    if (norms.cell != 0) normalizeInPlace(norms.cell, row, cNew, cHat, units);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const tc = activate4(load4(at(cHat, j), count), TANH);
      store4(at(cellTanh, example * units + j), tc, count);
      store4(at(hNew, j), f32x4.mul(load4(at(gateRow, 3 * units + j), count), tc), count);
    }
    if (norms.hidden != 0) normalizeInPlace(norms.hidden, row, hNew, hNew, units);
    const carried = norms.carry != 0 ? cHat : cNew;
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const cPrevious = load4(at(c, k), count);
      const hPrevious = load4(at(h, k), count);
      const cValue = load4(at(carried, j), count);
      const hValue = load4(at(hNew, j), count);
      const zc = stepFactor(train.zoneoutCell, train.zoneoutCellStride, step, k, count, 0.0);
      const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
      const cZoned = f32x4.add(cValue, f32x4.mul(zc, f32x4.sub(cPrevious, cValue)));
      const hZoned = f32x4.add(hValue, f32x4.mul(zh, f32x4.sub(hPrevious, hValue)));
      store4(at(cNext, k), f32x4.add(f32x4.mul(valid, cZoned), f32x4.mul(invalid, cPrevious)), count);
      const hState = f32x4.add(f32x4.mul(valid, hZoned), f32x4.mul(invalid, hPrevious));
      store4(at(hNext, k), hState, count);
      if (out != 0) store4(at(out, k), f32x4.mul(valid, hZoned), count);
      store4(at(hMaskedNext, k), recurrentMasked(train, hState, k, count), count);
    }
  }
}

/**
 * Backward step; arguments as `lstmBackward`'s, but two outputs: dP_t `dInput` and the gradient of the
 * recurrent product `dRecurrent` (`[batch, 4u]` each; they differ by the recurrent norm).
 */
export function lstmNormsBackward(
  train: Train,
  norms: LstmNorms,
  step: i32,
  gates: usize,
  cellTanh: usize,
  c: usize,
  outputGradient: usize,
  recurrent: usize,
  dh: usize,
  dc: usize,
  dInput: usize,
  dRecurrent: usize,
): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  const dNew = norms.scratch;
  const dCarried = at(norms.scratch, units);
  const carry = norms.carry != 0;
  for (let example = 0; example < train.batch; example += 1) {
    const row = step * train.batch + example;
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    const gateRow = at(gates, example * width);
    const dz = at(dRecurrent, example * width);
    // Gradients at the zoned-out states, split between the new states and the previous ones.
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      let dhIn = load4(at(dh, k), count);
      if (recurrent != 0) dhIn = f32x4.add(dhIn, recurrentMasked(train, load4(at(recurrent, k), count), k, count));
      const dcIn = load4(at(dc, k), count);
      const fromOutput = outputGradient == 0 ? f32x4.splat(0.0) : load4(at(outputGradient, k), count);
      const dhZoned = f32x4.mul(valid, f32x4.add(dhIn, fromOutput));
      const dcZoned = f32x4.mul(valid, dcIn);
      const zc = stepFactor(train.zoneoutCell, train.zoneoutCellStride, step, k, count, 0.0);
      const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
      store4(at(dNew, j), f32x4.mul(dhZoned, f32x4.sub(one, zh)), count);
      store4(at(dCarried, j), f32x4.mul(dcZoned, f32x4.sub(one, zc)), count);
      store4(at(dh, k), f32x4.add(f32x4.mul(invalid, dhIn), f32x4.mul(dhZoned, zh)), count);
      store4(at(dc, k), f32x4.add(f32x4.mul(invalid, dcIn), f32x4.mul(dcZoned, zc)), count);
    }
    backInPlace(norms.hidden, row, dNew, units);
    // dNew is now d(o ⊙ tanh ĉ); it becomes dĉ, then dc'.
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const o = load4(at(gateRow, 3 * units + j), count);
      const tc = load4(at(cellTanh, example * units + j), count);
      const dhRaw = load4(at(dNew, j), count);
      store4(at(dz, 3 * units + j), f32x4.mul(f32x4.mul(dhRaw, tc), gatePrime4(o, gate)), count);
      let dcNormalized = f32x4.mul(f32x4.mul(dhRaw, o), f32x4.sub(one, f32x4.mul(tc, tc)));
      if (carry) dcNormalized = f32x4.add(dcNormalized, load4(at(dCarried, j), count));
      store4(at(dNew, j), dcNormalized, count);
    }
    backInPlace(norms.cell, row, dNew, units);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      let dcNew = load4(at(dNew, j), count);
      if (!carry) dcNew = f32x4.add(dcNew, load4(at(dCarried, j), count));
      const i = load4(at(gateRow, j), count);
      const f = load4(at(gateRow, units + j), count);
      const g = load4(at(gateRow, 2 * units + j), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      store4(at(dz, j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, g), m), gatePrime4(i, gate)), count);
      store4(at(dz, units + j), f32x4.mul(f32x4.mul(dcNew, load4(at(c, k), count)), gatePrime4(f, gate)), count);
      store4(at(dz, 2 * units + j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, i), m), f32x4.sub(one, f32x4.mul(g, g))), count);
      store4(at(dc, k), f32x4.add(load4(at(dc, k), count), f32x4.mul(dcNew, f)), count);
    }
    if (norms.dBias != 0) addRows(norms.dBias, norms.dBias, dz, width);
    backInPlace(norms.gates, row, dz, units);
    memory.copy(at(dInput, example * width), dz, <usize>width << 2);
    backInPlace(norms.recurrent, row, dz, units);
  }
}
