/**
 * One inference step of each cell, after the matmul of the recurrent state: every norm, the gates, the
 * state update, zoneout's expectation, the mask and the output, row by row (one example at a time, so a
 * row's intermediates stay in the cache). The equations are those of `../../cells/lstm.ts`, `gru.ts` and
 * `rnn.ts` with dropout at its inference value: the identity, and for zoneout its expectation
 * `next + p · (previous − next)`. A padded step (its mask value 0) leaves the example's state unchanged
 * and outputs zeros.
 *
 * Buffers are row layout `[batch, width]`. `input` is the step's input term N_in(x_t·W) `[batch, G·u]`;
 * `recurrent` the product h·U (normalized here in place). The layer call's constants are a `Cell`,
 * written by `../cells.ts`; `CELL_FIELDS` in `../structs.ts` is this class's field order (a test checks it).
 */
import { activate4, addRows, at, lanes, load4, store4 } from './math';
import { Norm, normalizeRow } from './norm';

@unmanaged
export class Cell {
  batch: i32;
  units: i32;
  /** The candidate's (and the LSTM cell output's) activation, and the gates', as codes of `activate4`. */
  activation: i32;
  gateActivation: i32;
  /** GRU: the reset gate multiplies N_rec(h·U)_h (reset after) rather than h before its matmul. */
  resetAfter: i32;
  /** LSTM: the normalized cell state is carried to the next step. */
  carryNormalized: i32;
  /** `[G·u]` with the LSTM's constant forget bias added, or 0. */
  bias: usize;
  /** Norm spans, 0 where none. The GRU's gates norm is two spans (z and r; the candidate) and so is its
   * recurrent norm with the reset gate first; otherwise the candidate fields are 0. */
  recurrentNorm: usize;
  candidateRecurrentNorm: usize;
  gatesNorm: usize;
  candidateGatesNorm: usize;
  cellNorm: usize;
  hiddenNorm: usize;
  zoneoutHidden: f32;
  zoneoutCell: f32;
  /** Floats from one example's output to the next (outputs are `[batch, steps, u]`). */
  outputStride: i32;
  /** Room for 4·u floats. */
  scratch: usize;
}

function normalize(norm: usize, value: usize, out: usize, units: i32, step: i32): void {
  if (norm != 0) normalizeRow(changetype<Norm>(norm), value, out, units, step);
  else if (out != value) memory.copy(out, value, <usize>units << 2);
}

/** Whether example `example` is a real step (no mask, or its mask value is not 0). */
@inline function isValid(mask: usize, example: i32): bool {
  return mask == 0 || load<f32>(at(mask, example)) != 0.0;
}

/**
 * The state update of one example: `state ← next + p · (state − next)` and the output the same value, or
 * at a padded step the state unchanged and the output zeros. `out` 0: no output.
 */
function commit(state: usize, next: usize, zoneout: f32, valid: bool, out: usize, units: i32): void {
  if (!valid) {
    if (out != 0) memory.fill(out, 0, <usize>units << 2);
    return;
  }
  const probability = f32x4.splat(zoneout);
  for (let j = 0; j < units; j += 4) {
    const count = lanes(units, j);
    const fresh = load4(at(next, j), count);
    const value = zoneout == 0.0 ? fresh : f32x4.add(fresh, f32x4.mul(probability, f32x4.sub(load4(at(state, j), count), fresh)));
    store4(at(state, j), value, count);
    if (out != 0) store4(at(out, j), value, count);
  }
}

/** `z = N_gates(input + N_rec(recurrent)) + b` over `blocks` gate blocks, into `recurrent`. */
function preActivation(recurrentNorm: usize, gatesNorm: usize, bias: usize, input: usize, recurrent: usize, width: i32, units: i32, step: i32): void {
  if (recurrentNorm != 0) normalize(recurrentNorm, recurrent, recurrent, units, step);
  addRows(recurrent, input, recurrent, width);
  if (gatesNorm != 0) normalize(gatesNorm, recurrent, recurrent, units, step);
  if (bias != 0) addRows(recurrent, recurrent, bias, width);
}

/** Gate blocks i, f, c(g), o; `h` and `c` `[batch, u]` are updated in place; `out` `[batch, steps, u]` at this step, or 0. */
export function lstmStep(cell: Cell, step: i32, input: usize, recurrent: usize, h: usize, c: usize, mask: usize, out: usize): void {
  const units = cell.units;
  const width = 4 * units;
  const act = cell.activation;
  const gate = cell.gateActivation;
  const cNew = cell.scratch;
  const cNormalized = at(cell.scratch, units);
  const hNew = at(cell.scratch, 2 * units);
  for (let example = 0; example < cell.batch; example += 1) {
    const z = at(recurrent, example * width);
    const hRow = at(h, example * units);
    const cRow = at(c, example * units);
    preActivation(cell.recurrentNorm, cell.gatesNorm, cell.bias, at(input, example * width), z, width, units, step);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const i = activate4(load4(at(z, j), count), gate);
      const f = activate4(load4(at(z, units + j), count), gate);
      const g = activate4(load4(at(z, 2 * units + j), count), act);
      store4(at(cNew, j), f32x4.add(f32x4.mul(f, load4(at(cRow, j), count)), f32x4.mul(i, g)), count);
    }
    // Without a cell norm ĉ is c_t itself (no copy).
    const cHat = cell.cellNorm == 0 ? cNew : cNormalized;
    if (cell.cellNorm != 0) normalize(cell.cellNorm, cNew, cNormalized, units, step);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const o = activate4(load4(at(z, 3 * units + j), count), gate);
      store4(at(hNew, j), f32x4.mul(o, activate4(load4(at(cHat, j), count), act)), count);
    }
    normalize(cell.hiddenNorm, hNew, hNew, units, step);
    const valid = isValid(mask, example);
    commit(hRow, hNew, cell.zoneoutHidden, valid, out == 0 ? 0 : at(out, example * cell.outputStride), units);
    commit(cRow, cell.carryNormalized != 0 ? cHat : cNew, cell.zoneoutCell, valid, 0, units);
  }
}

/**
 * The GRU's gates `[z, r] = σ(N_gates(x̂_zr + N_rec(h·U)_zr) + b_zr)` into `gates` `[batch, 2u]`. `recurrent`
 * is h·U `[batch, 3u]` (reset after: normalized whole here, its candidate block used by `gruCandidate`) or
 * h·U_zr `[batch, 2u]` (reset first: then `resetState` receives r ⊙ h for the candidate's matmul).
 */
export function gruGates(cell: Cell, step: i32, input: usize, recurrent: usize, h: usize, gates: usize, resetState: usize): void {
  const units = cell.units;
  const gate = cell.gateActivation;
  const recurrentWidth = (cell.resetAfter != 0 ? 3 : 2) * units;
  for (let example = 0; example < cell.batch; example += 1) {
    const zr = at(gates, example * 2 * units);
    const recurrentRow = at(recurrent, example * recurrentWidth);
    if (cell.recurrentNorm != 0) normalize(cell.recurrentNorm, recurrentRow, recurrentRow, units, step);
    preActivation(0, cell.gatesNorm, cell.bias, at(input, example * 3 * units), memoryCopyInto(zr, recurrentRow, 2 * units), 2 * units, units, step);
    for (let j = 0; j < 2 * units; j += 4) {
      const count = lanes(2 * units, j);
      store4(at(zr, j), activate4(load4(at(zr, j), count), gate), count);
    }
    if (cell.resetAfter != 0) continue;
    const hRow = at(h, example * units);
    const resetRow = at(resetState, example * units);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      store4(at(resetRow, j), f32x4.mul(load4(at(zr, units + j), count), load4(at(hRow, j), count)), count);
    }
  }
}

/** Copies `length` floats from `from` to `to` and returns `to`. */
function memoryCopyInto(to: usize, from: usize, length: i32): usize {
  memory.copy(to, from, <usize>length << 2);
  return to;
}

/**
 * The GRU's candidate and new state: `h̃ = act(N_gates(x̂_h + ρ) + b_h)` with ρ = r ⊙ N_rec(h·U)_h (reset
 * after; `recurrent` is the `[batch, 3u]` buffer `gruGates` normalized) or ρ = N_rec((r ⊙ h)·U_h) (reset
 * first; `recurrent` is that product `[batch, u]`), then `h ← N_hidden(h̃ + z ⊙ (h − h̃))`.
 */
export function gruCandidate(cell: Cell, step: i32, input: usize, recurrent: usize, gates: usize, h: usize, mask: usize, out: usize): void {
  const units = cell.units;
  const resetAfter = cell.resetAfter != 0;
  const candidate = cell.scratch;
  const hNew = at(cell.scratch, units);
  const candidateBias: usize = cell.bias == 0 ? 0 : at(cell.bias, 2 * units);
  for (let example = 0; example < cell.batch; example += 1) {
    const zr = at(gates, example * 2 * units);
    const hRow = at(h, example * units);
    const recurrentRow = resetAfter ? at(recurrent, example * 3 * units + 2 * units) : at(recurrent, example * units);
    if (resetAfter) {
      for (let j = 0; j < units; j += 4) {
        const count = lanes(units, j);
        store4(at(candidate, j), f32x4.mul(load4(at(zr, units + j), count), load4(at(recurrentRow, j), count)), count);
      }
    } else {
      normalize(cell.candidateRecurrentNorm, recurrentRow, candidate, units, step);
    }
    preActivation(0, cell.candidateGatesNorm, candidateBias, at(input, example * 3 * units + 2 * units), candidate, units, units, step);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const proposal = activate4(load4(at(candidate, j), count), cell.activation);
      const z = load4(at(zr, j), count);
      store4(at(hNew, j), f32x4.add(proposal, f32x4.mul(z, f32x4.sub(load4(at(hRow, j), count), proposal))), count);
    }
    normalize(cell.hiddenNorm, hNew, hNew, units, step);
    commit(hRow, hNew, cell.zoneoutHidden, isValid(mask, example), out == 0 ? 0 : at(out, example * cell.outputStride), units);
  }
}

/** The simple RNN: `h ← N_hidden(act(N_gates(x̂ + N_rec(h·U)) + b))`. */
export function rnnStep(cell: Cell, step: i32, input: usize, recurrent: usize, h: usize, mask: usize, out: usize): void {
  const units = cell.units;
  for (let example = 0; example < cell.batch; example += 1) {
    const z = at(recurrent, example * units);
    preActivation(cell.recurrentNorm, cell.gatesNorm, cell.bias, at(input, example * units), z, units, units, step);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      store4(at(z, j), activate4(load4(at(z, j), count), cell.activation), count);
    }
    normalize(cell.hiddenNorm, z, z, units, step);
    commit(at(h, example * units), z, cell.zoneoutHidden, isValid(mask, example), out == 0 ? 0 : at(out, example * cell.outputStride), units);
  }
}
