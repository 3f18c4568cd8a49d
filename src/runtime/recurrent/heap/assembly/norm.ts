/**
 * A norm span at inference, applied to one row (one example at one step) of `blocks · units` floats. At
 * inference every norm kind seqnet has is one of two forms, both local to the row (docs/runtime.md):
 *   statistics (layer, RMS):  γ ⊙ (v − m_g) / √(s_g + ε) + β, with per group g of gate blocks of this row
 *                             m_g = mean(v) (layer) or 0 (RMS) and s_g = mean((v − m_g)²)
 *   affine rows (population batch norm):  a_t ⊙ v + b_t, the rows a_t, b_t of step t made once per call
 *                             (steps beyond the last row use the last).
 * The fields are written by `../norms.ts`; `NORM_FIELDS` in `../structs.ts` is this class's field order (a test
 * checks it).
 */
import { at, lanes, load4, squaredDeviations, store4, sum } from './math';

export const STATISTICS: i32 = 1;
export const AFFINE_ROWS: i32 = 2;

@unmanaged
export class Norm {
  form: i32;
  /** Statistics: whether the group mean is subtracted (layer norm) or not (RMS norm). */
  center: i32;
  blocks: i32;
  groups: i32;
  /** Statistics: the group of each block, `blocks` i32. */
  groupOf: usize;
  /** Statistics: γ `[blocks·units]`; affine rows: a `[rows, blocks·units]`. */
  scale: usize;
  /** Statistics: β `[blocks·units]` or 0; affine rows: b `[rows, blocks·units]`. */
  shift: usize;
  epsilon: f32;
  /** Affine rows: how many. */
  rows: i32;
}

/** Normalizes the row `value` into `out` (which may be `value`) at step `step`. */
export function normalizeRow(norm: Norm, value: usize, out: usize, units: i32, step: i32): void {
  if (norm.form == AFFINE_ROWS) {
    const width = norm.blocks * units;
    const row = min(step, norm.rows - 1) * width;
    scaleAndShift(out, value, at(norm.scale, row), at(norm.shift, row), width, 1.0, 0.0);
    return;
  }
  for (let group = 0; group < norm.groups; group += 1) {
    let members = 0;
    let total: f32 = 0.0;
    for (let block = 0; block < norm.blocks; block += 1) {
      if (load<i32>(at(norm.groupOf, block)) != group) continue;
      members += 1;
      total += sum(at(value, block * units), units);
    }
    const count = <f32>(members * units);
    const mean: f32 = norm.center != 0 ? total / count : 0.0;
    let deviations: f32 = 0.0;
    for (let block = 0; block < norm.blocks; block += 1) {
      if (load<i32>(at(norm.groupOf, block)) == group) deviations += squaredDeviations(at(value, block * units), units, mean);
    }
    const inverse: f32 = 1.0 / Mathf.sqrt(deviations / count + norm.epsilon);
    for (let block = 0; block < norm.blocks; block += 1) {
      if (load<i32>(at(norm.groupOf, block)) != group) continue;
      const column = block * units;
      const shift: usize = norm.shift == 0 ? 0 : at(norm.shift, column);
      scaleAndShift(at(out, column), at(value, column), at(norm.scale, column), shift, units, inverse, mean);
    }
  }
}

/**
 * `out = ((v − center) · factor) ⊙ scale + shift` over `length` floats (`shift` 0: none). Both forms end
 * this way: statistics with their group's mean and 1/√(s + ε), affine rows with center 0 and factor 1.
 */
function scaleAndShift(out: usize, value: usize, scale: usize, shift: usize, length: i32, factor: f32, center: f32): void {
  const factors = f32x4.splat(factor);
  const centers = f32x4.splat(center);
  for (let j = 0; j < length; j += 4) {
    const count = lanes(length, j);
    let result = f32x4.mul(f32x4.mul(f32x4.sub(load4(at(value, j), count), centers), factors), load4(at(scale, j), count));
    if (shift != 0) result = f32x4.add(result, load4(at(shift, j), count));
    store4(at(out, j), result, count);
  }
}

/**
 * The input site's norm over `rows` rows of a chunk of steps (`batch` rows per step, from step
 * `firstStep` on), in place: at inference it does not depend on the recurrence, so it runs for many steps
 * at once, outside the time loop.
 */
export function normalizeRows(norm: Norm, values: usize, rows: i32, batch: i32, units: i32, firstStep: i32): void {
  const width = norm.blocks * units;
  for (let row = 0; row < rows; row += 1) {
    const address = at(values, row * width);
    normalizeRow(norm, address, address, units, firstStep + row / batch);
  }
}
