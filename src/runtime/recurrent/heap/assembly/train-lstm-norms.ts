/**
 * The LSTM's training step with norms inside the loop, forward (recording) and backward:
 * `../../fused/lstm-norms.ts` in compiled form, with the equations of `src/variants/cells/lstm.ts`:
 *   z = N_gates(N_in(P_t) + N_rec(h̃_{t−1}·U)) + b,  i, f, o = σ(z_i), σ(z_f + k), σ(z_o),  g = tanh(z_g)
 *   c' = f ⊙ c_{t−1} + i ⊙ g ⊙ m,  ĉ = N_cell(c'),  h' = N_hidden(o ⊙ tanh(ĉ)),  carried c' or ĉ,
 * then zoneout and the mask as in `train-lstm.ts`.
 *
 * A step is four phases, each over the whole batch, split where a site's norm may sit: (1) the sum z,
 * (2) the gates and c', (3) ĉ and o ⊙ tanh ĉ, (4) h' and the states; the backward step runs them in reverse.
 * A layer or RMS norm (statistics per example, `train-norm.ts`) runs inside its phase, row by row; a batch
 * norm (statistics over the batch, `train-batch-norm.ts`) runs between two phases, called by the caller on
 * the phase's buffers, since its sums are reduced across data-parallel shards in JavaScript. `lstmNormsForward`
 * and `lstmNormsBackward` run the four phases in one call when no site has a batch norm. The input site's
 * norm is here only as a batch norm, applied by the caller to P_t (with statistics per example it runs on
 * all steps at once, before the op). `LSTM_NORMS_FIELDS` in `../structs.ts` is `LstmNorms`'s field order.
 */
import { activate4, addRows, at, lanes, load4, store4, TANH } from './math';
import { cellStateEnd, gatePrime4, hiddenStateEnd, recurrentMasked, stepFactor, Train, validity } from './train';
import { normBackwardRow, normForwardRow, Site } from './train-norm';

@unmanaged
export class LstmNorms {
  /** `Site` structs of the layer or RMS norms, 0 where the site has none (or a batch norm). */
  recurrent: usize;
  gates: usize;
  cell: usize;
  hidden: usize;
  /** b `[4u]` and its gradient, or 0 (then the bias, if any, was added before the op). */
  bias: usize;
  dBias: usize;
  /** Whether the normalized ĉ is carried to the next step. */
  carry: i32;
  /** Whether the cell site has a norm of either kind (then ĉ is in scratch block 1, else ĉ = c'). */
  cellNormalized: i32;
  /**
   * Room for 3·batch·u floats, three `[batch, u]` blocks: forward c', ĉ and h' (o ⊙ tanh ĉ, then
   * normalized); backward d(o ⊙ tanh ĉ), then dĉ and dc', in block 0 and the carried c's gradient in block 1.
   */
  scratch: usize;
}

@inline function normalizeInPlace(site: usize, row: i32, value: usize, out: usize, units: i32): void {
  if (site != 0) normForwardRow(changetype<Site>(site), row, value, out, units);
  else if (out != value) memory.copy(out, value, <usize>units << 2);
}

@inline function backInPlace(site: usize, row: i32, gradient: usize, units: i32): void {
  if (site != 0) normBackwardRow(changetype<Site>(site), row, gradient, gradient, units);
}

/** Example `example`'s row of scratch block `block`. */
@inline function scratchRow(train: Train, norms: LstmNorms, block: i32, example: i32): usize {
  return at(norms.scratch, (block * train.batch + example) * train.units);
}

/** Forward phase 1: z = N_rec(h̃·U) + P_t, in `recurrent` `[batch, 4u]` (`input` is N_in(P_t) under an input norm). */
export function lstmNormsSum(train: Train, norms: LstmNorms, step: i32, input: usize, recurrent: usize): void {
  const units = train.units;
  const width = 4 * units;
  for (let example = 0; example < train.batch; example += 1) {
    const z = at(recurrent, example * width);
    if (norms.recurrent != 0) normalizeInPlace(norms.recurrent, step * train.batch + example, z, z, units);
    addRows(z, at(input, example * width), z, width);
  }
}

/** Forward phase 2: N_gates(z) + b, the activated gates recorded in `gates`, and c' in scratch block 0. */
export function lstmNormsActivate(train: Train, norms: LstmNorms, step: i32, recurrent: usize, c: usize, gates: usize): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const forget = f32x4.splat(train.forgetConstant);
  for (let example = 0; example < train.batch; example += 1) {
    const z = at(recurrent, example * width);
    if (norms.gates != 0) normalizeInPlace(norms.gates, step * train.batch + example, z, z, units);
    if (norms.bias != 0) addRows(z, z, norms.bias, width);
    const gateRow = at(gates, example * width);
    const cNew = scratchRow(train, norms, 0, example);
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
  }
}

/** Forward phase 3: ĉ = N_cell(c') (block 1), tanh ĉ recorded in `cellTanh`, and o ⊙ tanh ĉ in block 2. */
export function lstmNormsCell(train: Train, norms: LstmNorms, step: i32, gates: usize, cellTanh: usize): void {
  const units = train.units;
  const width = 4 * units;
  for (let example = 0; example < train.batch; example += 1) {
    const cNew = scratchRow(train, norms, 0, example);
    const cHat = norms.cellNormalized != 0 ? scratchRow(train, norms, 1, example) : cNew;
    if (norms.cell != 0) normalizeInPlace(norms.cell, step * train.batch + example, cNew, cHat, units);
    const hNew = scratchRow(train, norms, 2, example);
    const gateRow = at(gates, example * width);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const tc = activate4(load4(at(cHat, j), count), TANH);
      store4(at(cellTanh, example * units + j), tc, count);
      store4(at(hNew, j), f32x4.mul(load4(at(gateRow, 3 * units + j), count), tc), count);
    }
  }
}

/** Forward phase 4: h' = N_hidden(block 2), then zoneout and the mask into the next states, the output and h̃. */
export function lstmNormsState(train: Train, norms: LstmNorms, step: i32, h: usize, c: usize, hNext: usize, cNext: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  for (let example = 0; example < train.batch; example += 1) {
    const hNew = scratchRow(train, norms, 2, example);
    if (norms.hidden != 0) normalizeInPlace(norms.hidden, step * train.batch + example, hNew, hNew, units);
    const carried = norms.carry != 0 && norms.cellNormalized != 0 ? scratchRow(train, norms, 1, example) : scratchRow(train, norms, 0, example);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      cellStateEnd(train, step, example, k, count, load4(at(carried, j), count), c, cNext);
      hiddenStateEnd(train, step, example, k, count, load4(at(hNew, j), count), h, hNext, out, hMaskedNext);
    }
  }
}

/** Forward step with no batch norm; arguments as `lstmForward`'s (`recurrent` h̃·U becomes z in place). */
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
  lstmNormsSum(train, norms, step, input, recurrent);
  lstmNormsActivate(train, norms, step, recurrent, c, gates);
  lstmNormsCell(train, norms, step, gates, cellTanh);
  lstmNormsState(train, norms, step, h, c, hNext, cNext, out, hMaskedNext);
}

/**
 * Backward phase 4: the gradients at the zoned-out states (dh with dz_{t+1}·Uᵀ added where `recurrent` is
 * not 0, and the output's), split between the new states (d h' through N_hidden into block 0, the carried
 * c's into block 1) and the previous ones (`dh`, `dc`).
 */
export function lstmNormsStateBackward(train: Train, norms: LstmNorms, step: i32, outputGradient: usize, recurrent: usize, dh: usize, dc: usize): void {
  const units = train.units;
  const one = f32x4.splat(1.0);
  for (let example = 0; example < train.batch; example += 1) {
    const valid = validity(train, step, example);
    const invalid = f32x4.sub(one, valid);
    const dNew = scratchRow(train, norms, 0, example);
    const dCarried = scratchRow(train, norms, 1, example);
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
    backInPlace(norms.hidden, step * train.batch + example, dNew, units);
  }
}

/** Backward phase 3: from d(o ⊙ tanh ĉ) in block 0, dz_o into `dz` and dĉ (with the carried ĉ's) through N_cell into block 0. */
export function lstmNormsCellBackward(train: Train, norms: LstmNorms, step: i32, gates: usize, cellTanh: usize, dz: usize): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  const carry = norms.carry != 0 && norms.cellNormalized != 0;
  for (let example = 0; example < train.batch; example += 1) {
    const gateRow = at(gates, example * width);
    const dzRow = at(dz, example * width);
    const dNew = scratchRow(train, norms, 0, example);
    const dCarried = scratchRow(train, norms, 1, example);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const o = load4(at(gateRow, 3 * units + j), count);
      const tc = load4(at(cellTanh, example * units + j), count);
      const dhRaw = load4(at(dNew, j), count);
      store4(at(dzRow, 3 * units + j), f32x4.mul(f32x4.mul(dhRaw, tc), gatePrime4(o, gate)), count);
      let dcNormalized = f32x4.mul(f32x4.mul(dhRaw, o), f32x4.sub(one, f32x4.mul(tc, tc)));
      if (carry) dcNormalized = f32x4.add(dcNormalized, load4(at(dCarried, j), count));
      store4(at(dNew, j), dcNormalized, count);
    }
    backInPlace(norms.cell, step * train.batch + example, dNew, units);
  }
}

/** Backward phase 2: from dc' in block 0 (and the carried c''s), dz_i, dz_f, dz_g, dc_{t−1} and db, then dz through N_gates. */
export function lstmNormsActivateBackward(train: Train, norms: LstmNorms, step: i32, gates: usize, c: usize, dc: usize, dz: usize): void {
  const units = train.units;
  const width = 4 * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  const carry = norms.carry != 0 && norms.cellNormalized != 0;
  for (let example = 0; example < train.batch; example += 1) {
    const gateRow = at(gates, example * width);
    const dzRow = at(dz, example * width);
    const dNew = scratchRow(train, norms, 0, example);
    const dCarried = scratchRow(train, norms, 1, example);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      let dcNew = load4(at(dNew, j), count);
      if (!carry) dcNew = f32x4.add(dcNew, load4(at(dCarried, j), count));
      const i = load4(at(gateRow, j), count);
      const f = load4(at(gateRow, units + j), count);
      const g = load4(at(gateRow, 2 * units + j), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      store4(at(dzRow, j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, g), m), gatePrime4(i, gate)), count);
      store4(at(dzRow, units + j), f32x4.mul(f32x4.mul(dcNew, load4(at(c, k), count)), gatePrime4(f, gate)), count);
      store4(at(dzRow, 2 * units + j), f32x4.mul(f32x4.mul(f32x4.mul(dcNew, i), m), f32x4.sub(one, f32x4.mul(g, g))), count);
      store4(at(dc, k), f32x4.add(load4(at(dc, k), count), f32x4.mul(dcNew, f)), count);
    }
    if (norms.dBias != 0) addRows(norms.dBias, norms.dBias, dzRow, width);
    backInPlace(norms.gates, step * train.batch + example, dzRow, units);
  }
}

/** Backward phase 1: dP_t = dz into `dInput` (the caller takes it through an input norm), and dz through N_rec in place. */
export function lstmNormsSumBackward(train: Train, norms: LstmNorms, step: i32, dz: usize, dInput: usize): void {
  const width = 4 * train.units;
  for (let example = 0; example < train.batch; example += 1) {
    const dzRow = at(dz, example * width);
    memory.copy(at(dInput, example * width), dzRow, <usize>width << 2);
    backInPlace(norms.recurrent, step * train.batch + example, dzRow, train.units);
  }
}

/**
 * Backward step with no batch norm; arguments as `lstmBackward`'s, but two outputs: dP_t `dInput` and the
 * gradient of the recurrent product `dRecurrent` (`[batch, 4u]` each; they differ by the recurrent norm).
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
  lstmNormsStateBackward(train, norms, step, outputGradient, recurrent, dh, dc);
  lstmNormsCellBackward(train, norms, step, gates, cellTanh, dRecurrent);
  lstmNormsActivateBackward(train, norms, step, gates, c, dc, dRecurrent);
  lstmNormsSumBackward(train, norms, step, dRecurrent, dInput);
}
