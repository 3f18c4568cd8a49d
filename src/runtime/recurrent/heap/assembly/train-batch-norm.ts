/**
 * A batch-norm site inside the training loop (per-step statistics, Cooijmans et al. 2016): one step's values
 * `[batch, width]` normalized per column with the mean and variance over the step's valid examples (padding
 * has weight 0), then `γ ⊙ x̂ + β`. The arithmetic of `../../fused/norm-kernel.ts` (batch statistics), in
 * float32 four columns at a time, each sum accumulated over the examples in order as there.
 *
 * Every sum over the batch is handed back to the caller before it is used: the forward pass in three calls
 * (column sums and the count; squared deviations; normalize), the backward pass in two (Σg, Σg ⊙ x̂ and the
 * count; dx), and between them the caller reduces `sums` across data-parallel shards (`reduceBatchSums`),
 * at the points the JavaScript kernel does, so that a sharded step normalizes with the whole batch's
 * statistics. With g = dy ⊙ γ and w_n the validity of example n over the valid count:
 *   dx = (g − w_n Σg − w_n x̂ Σ(g ⊙ x̂)) / σ.
 * Cell-agnostic: a cell's phased step calls it on its buffers between its own phases, rows `stride` floats
 * apart (a span of a wider row: the GRU's gate blocks in dP), the recorded x̂ packed `width` wide. `BATCH_SITE_FIELDS`
 * in `../structs.ts` is `BatchSite`'s field order.
 */
import { at, lanes, load4, store4 } from './math';
import { Train } from './train';

@unmanaged
export class BatchSite {
  width: i32;
  /** γ, and β or 0 `[width]`. */
  gamma: usize;
  beta: usize;
  epsilon: f32;
  /** Recorded x̂ `[steps·batch, width]` (row t·batch + n), and per step 1/σ, μ and σ² `[steps, width]` and the valid count `[steps]`. */
  normalized: usize;
  inverse: usize;
  mean: usize;
  variance: usize;
  count: usize;
  /** The sums handed to the caller for the reduction: room for 2·width + 1 floats. */
  sums: usize;
  /** γ's and β's gradients `[width]` (β's 0 without β), accumulated over the call. */
  dGamma: usize;
  dBeta: usize;
}

/** Validity of `example` at `step` (1 without a mask). */
@inline function weight(train: Train, step: i32, example: i32): f32 {
  return train.mask == 0 ? 1.0 : load<f32>(at(train.mask, step * train.batch + example));
}

/** Forward, first call: `sums` = [Σ_n w_n x_n (width), Σ_n w_n]. */
export function batchNormSums(train: Train, site: BatchSite, step: i32, values: usize, stride: i32): void {
  const width = site.width;
  let count: f32 = 0.0;
  for (let example = 0; example < train.batch; example += 1) count += weight(train, step, example);
  for (let j = 0; j < width; j += 4) {
    const n = lanes(width, j);
    let total = f32x4.splat(0.0);
    for (let example = 0; example < train.batch; example += 1) {
      total = f32x4.add(total, f32x4.mul(f32x4.splat(weight(train, step, example)), load4(at(values, example * stride + j), n)));
    }
    store4(at(site.sums, j), total, n);
  }
  store<f32>(at(site.sums, width), count);
}

/** Forward, second call (after the reduction): records μ and the count, and sets `sums` = Σ_n w_n (x_n − μ)² (width). */
export function batchNormDeviations(train: Train, site: BatchSite, step: i32, values: usize, stride: i32): void {
  const width = site.width;
  const sums = site.sums;
  const count = load<f32>(at(sums, width));
  store<f32>(at(site.count, step), count);
  const divisor = f32x4.splat(max<f32>(count, 1.0));
  const meanRow = at(site.mean, step * width);
  for (let j = 0; j < width; j += 4) {
    const n = lanes(width, j);
    const mean = f32x4.div(load4(at(sums, j), n), divisor);
    store4(at(meanRow, j), mean, n);
    let total = f32x4.splat(0.0);
    for (let example = 0; example < train.batch; example += 1) {
      const deviation = f32x4.sub(load4(at(values, example * stride + j), n), mean);
      total = f32x4.add(total, f32x4.mul(f32x4.splat(weight(train, step, example)), f32x4.mul(deviation, deviation)));
    }
    store4(at(sums, j), total, n);
  }
}

/** Forward, third call (after the reduction): records σ², 1/σ and x̂, and writes `out = γ ⊙ x̂ + β` (`out` may be `values`). */
export function batchNormApply(train: Train, site: BatchSite, step: i32, values: usize, out: usize, stride: i32): void {
  const width = site.width;
  const divisor = <f64>max<f32>(load<f32>(at(site.count, step)), 1.0);
  const meanRow = at(site.mean, step * width);
  const varianceRow = at(site.variance, step * width);
  const inverseRow = at(site.inverse, step * width);
  // Per column, as the JavaScript kernel: σ² rounded to float32, 1/√(σ² + ε) in float64.
  for (let j = 0; j < width; j += 1) {
    const v = <f32>(<f64>load<f32>(at(site.sums, j)) / divisor);
    store<f32>(at(varianceRow, j), v);
    store<f32>(at(inverseRow, j), <f32>(1.0 / Math.sqrt(<f64>v + <f64>site.epsilon)));
  }
  const normalized = at(site.normalized, step * train.batch * width);
  for (let j = 0; j < width; j += 4) {
    const n = lanes(width, j);
    const mean = load4(at(meanRow, j), n);
    const inverse = load4(at(inverseRow, j), n);
    const gamma = load4(at(site.gamma, j), n);
    const beta = site.beta == 0 ? f32x4.splat(0.0) : load4(at(site.beta, j), n);
    for (let example = 0; example < train.batch; example += 1) {
      const k = example * stride + j;
      const xHat = f32x4.mul(f32x4.sub(load4(at(values, k), n), mean), inverse);
      store4(at(normalized, example * width + j), xHat, n);
      store4(at(out, k), f32x4.add(f32x4.mul(gamma, xHat), beta), n);
    }
  }
}

/** Backward, first call: accumulates dγ and dβ, and sets `sums` = [Σ_n g_n (width), Σ_n g_n ⊙ x̂_n (width), Σ_n w_n]. */
export function batchNormGradientSums(train: Train, site: BatchSite, step: i32, dy: usize, stride: i32): void {
  const width = site.width;
  const sums = site.sums;
  const normalized = at(site.normalized, step * train.batch * width);
  let count: f32 = 0.0;
  for (let example = 0; example < train.batch; example += 1) count += weight(train, step, example);
  for (let j = 0; j < width; j += 4) {
    const n = lanes(width, j);
    const gamma = load4(at(site.gamma, j), n);
    // dγ and dβ accumulate over the call in this order (step by step, example by example), as in JavaScript.
    let dGamma = load4(at(site.dGamma, j), n);
    let dBeta = site.dBeta == 0 ? f32x4.splat(0.0) : load4(at(site.dBeta, j), n);
    let sumG = f32x4.splat(0.0);
    let sumGx = f32x4.splat(0.0);
    for (let example = 0; example < train.batch; example += 1) {
      const gradient = load4(at(dy, example * stride + j), n);
      const xHat = load4(at(normalized, example * width + j), n);
      dGamma = f32x4.add(dGamma, f32x4.mul(gradient, xHat));
      dBeta = f32x4.add(dBeta, gradient);
      const g = f32x4.mul(gradient, gamma);
      sumG = f32x4.add(sumG, g);
      sumGx = f32x4.add(sumGx, f32x4.mul(g, xHat));
    }
    store4(at(site.dGamma, j), dGamma, n);
    if (site.dBeta != 0) store4(at(site.dBeta, j), dBeta, n);
    store4(at(sums, j), sumG, n);
    store4(at(sums, width + j), sumGx, n);
  }
  store<f32>(at(sums, 2 * width), count);
}

/** Backward, second call (after the reduction): `dx` from `dy` (`dx` may be `dy`). */
export function batchNormGradient(train: Train, site: BatchSite, step: i32, dy: usize, dx: usize, stride: i32): void {
  const width = site.width;
  const sums = site.sums;
  const divisor = max<f32>(load<f32>(at(sums, 2 * width)), 1.0);
  const inverseRow = at(site.inverse, step * width);
  const normalized = at(site.normalized, step * train.batch * width);
  for (let j = 0; j < width; j += 4) {
    const n = lanes(width, j);
    const gamma = load4(at(site.gamma, j), n);
    const sumG = load4(at(sums, j), n);
    const sumGx = load4(at(sums, width + j), n);
    const inverse = load4(at(inverseRow, j), n);
    for (let example = 0; example < train.batch; example += 1) {
      const k = example * stride + j;
      const w = f32x4.splat(weight(train, step, example) / divisor);
      const g = f32x4.mul(load4(at(dy, k), n), gamma);
      const centered = f32x4.sub(f32x4.sub(g, f32x4.mul(w, sumG)), f32x4.mul(f32x4.mul(w, load4(at(normalized, example * width + j), n)), sumGx));
      store4(at(dx, k), f32x4.mul(inverse, centered), n);
    }
  }
}
