/**
 * A layer or RMS norm span inside the training loop, on one row (one example at one step): its forward pass,
 * which records the normalized value x̂ and 1/σ of each group for the backward pass, and that backward pass,
 * which also accumulates γ's and β's gradients. The arithmetic of `../../fused/norm-kernel.ts` (example
 * statistics), with the equations of `src/variants/norms.ts`; the span's constants are the inference
 * loop's `Norm` struct (`norm.ts`: groups of gate blocks, γ, β, ε, centering). With g = dy ⊙ γ over a group:
 *   layer: dx = (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)) / σ;   RMS: dx = (g − x̂ ⊙ mean(g ⊙ x̂)) / rms.
 * The per-group arithmetic (mean, variance, mean(g), mean(g ⊙ x̂), and x̂ and dx from them) is float64,
 * scalar, as in the JavaScript loops, since the backward pass subtracts nearly equal terms. (On the test's
 * 6-unit hidden layer norm the worst difference in dP from the JavaScript loops stayed 1.3–2.3e-5 relative
 * with float32 SIMD, float64 sums, or all float64: it comes from upstream, the compiled exp's 3e-7 error
 * divided by the row's small σ.) Only γ's and β's gradients accumulate four lanes at a time.
 * `SITE_FIELDS` in `../structs.ts` is `Site`'s field order.
 */
import { at, lanes, load4, store4 } from './math';
import { Norm } from './norm';
import { hiddenStateEnd, hiddenStateEndBackward, Train } from './train';

@unmanaged
export class Site {
  /** The span's `Norm` struct. */
  norm: usize;
  /** Recorded x̂ `[steps·batch, width]` and 1/σ `[steps·batch, groups]`, row t·batch + n. */
  normalized: usize;
  inverse: usize;
  /** γ's and β's gradients `[width]` (β's 0 without β), accumulated over the call. */
  dGamma: usize;
  dBeta: usize;
}

@inline function inGroup(norm: Norm, block: i32, group: i32): bool {
  return load<i32>(at(norm.groupOf, block)) == group;
}

/** `out = γ ⊙ x̂ + β` of `value` (`out` may be `value`), recording x̂ and 1/σ at row `row`. */
export function normForwardRow(site: Site, row: i32, value: usize, out: usize, units: i32): void {
  const norm = changetype<Norm>(site.norm);
  const width = norm.blocks * units;
  const normalized = at(site.normalized, row * width);
  for (let group = 0; group < norm.groups; group += 1) {
    let members = 0;
    let total: f64 = 0.0;
    for (let block = 0; block < norm.blocks; block += 1) {
      if (!inGroup(norm, block, group)) continue;
      members += 1;
      for (let j = block * units; j < (block + 1) * units; j += 1) total += <f64>load<f32>(at(value, j));
    }
    const count = <f64>(members * units);
    const mean: f64 = norm.center != 0 ? total / count : 0.0;
    let deviations: f64 = 0.0;
    for (let block = 0; block < norm.blocks; block += 1) {
      if (!inGroup(norm, block, group)) continue;
      for (let j = block * units; j < (block + 1) * units; j += 1) {
        const deviation = <f64>load<f32>(at(value, j)) - mean;
        deviations += deviation * deviation;
      }
    }
    const inverse = <f32>(1.0 / Math.sqrt(deviations / count + <f64>norm.epsilon));
    store<f32>(at(site.inverse, row * norm.groups + group), inverse);
    for (let block = 0; block < norm.blocks; block += 1) {
      if (!inGroup(norm, block, group)) continue;
      for (let j = block * units; j < (block + 1) * units; j += 1) {
        const xHat = <f32>((<f64>load<f32>(at(value, j)) - mean) * <f64>inverse);
        store<f32>(at(normalized, j), xHat);
        store<f32>(at(out, j), load<f32>(at(norm.scale, j)) * xHat + (norm.shift == 0 ? 0.0 : load<f32>(at(norm.shift, j))));
      }
    }
  }
}

/** dx of the row `row` from its output gradient `dy` (`dx` may be `dy`), accumulating dγ and dβ. */
export function normBackwardRow(site: Site, row: i32, dy: usize, dx: usize, units: i32): void {
  const norm = changetype<Norm>(site.norm);
  const width = norm.blocks * units;
  const normalized = at(site.normalized, row * width);
  for (let j = 0; j < width; j += 4) {
    const count = lanes(width, j);
    const gradient = load4(at(dy, j), count);
    store4(at(site.dGamma, j), f32x4.add(load4(at(site.dGamma, j), count), f32x4.mul(gradient, load4(at(normalized, j), count))), count);
    if (site.dBeta != 0) store4(at(site.dBeta, j), f32x4.add(load4(at(site.dBeta, j), count), gradient), count);
  }
  for (let group = 0; group < norm.groups; group += 1) {
    let members = 0;
    let sumG: f64 = 0.0;
    let sumGx: f64 = 0.0;
    for (let block = 0; block < norm.blocks; block += 1) {
      if (!inGroup(norm, block, group)) continue;
      members += 1;
      for (let j = block * units; j < (block + 1) * units; j += 1) {
        const g = <f64>(load<f32>(at(dy, j)) * load<f32>(at(norm.scale, j)));
        sumG += g;
        sumGx += g * <f64>load<f32>(at(normalized, j));
      }
    }
    const count = <f64>(members * units);
    const meanG: f64 = norm.center != 0 ? sumG / count : 0.0;
    const meanGx: f64 = sumGx / count;
    const inverse = <f64>load<f32>(at(site.inverse, row * norm.groups + group));
    for (let block = 0; block < norm.blocks; block += 1) {
      if (!inGroup(norm, block, group)) continue;
      for (let j = block * units; j < (block + 1) * units; j += 1) {
        const g = <f64>(load<f32>(at(dy, j)) * load<f32>(at(norm.scale, j)));
        store<f32>(at(dx, j), <f32>(inverse * (g - meanG - <f64>load<f32>(at(normalized, j)) * meanGx)));
      }
    }
  }
}

/**
 * A site's norm over the `batch` rows of step `step`, in place: row n at `values + n·stride` floats, its
 * span `blocks · units` floats wide (0 for `site`: no norm there, the identity). The GRU's and the simple
 * RNN's kernels (`train-gru-norms.ts`, `train-rnn-norms.ts`) apply each site to a whole step's rows at once,
 * so a kind whose statistics span the batch can take the place of the row loop here without the cells'
 * steps changing.
 */
export function normForwardStep(site: usize, step: i32, batch: i32, values: usize, stride: i32, units: i32): void {
  if (site == 0) return;
  for (let example = 0; example < batch; example += 1) {
    const row = at(values, example * stride);
    normForwardRow(changetype<Site>(site), step * batch + example, row, row, units);
  }
}

/** The backward pass of `normForwardStep`, in place on the rows' gradients; accumulates dγ and dβ. */
export function normBackwardStep(site: usize, step: i32, batch: i32, gradients: usize, stride: i32, units: i32): void {
  if (site == 0) return;
  for (let example = 0; example < batch; example += 1) {
    const row = at(gradients, example * stride);
    normBackwardRow(changetype<Site>(site), step * batch + example, row, row, units);
  }
}

/**
 * The end of a step with one state h and a norm at the hidden site (0: none): h' = N_hidden(`value`) (in
 * place, `[batch, u]`), then zoneout, the mask, the new state and the output (`hiddenStateEnd`). The GRU's
 * and the simple RNN's normalized kernels end this way.
 */
export function normalizedStateEnd(train: Train, hidden: usize, step: i32, value: usize, h: usize, hNext: usize, out: usize, hMaskedNext: usize): void {
  const units = train.units;
  normForwardStep(hidden, step, train.batch, value, units, units);
  for (let example = 0; example < train.batch; example += 1) {
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      hiddenStateEnd(train, step, example, k, count, load4(at(value, k), count), h, hNext, out, hMaskedNext);
    }
  }
}

/**
 * The backward pass of `normalizedStateEnd`: the gradient of `value` into `dValue` `[batch, u]`, and in `dh`
 * the part that reaches h_{t−1} directly (see `hiddenStateEndBackward`).
 */
export function normalizedStateEndBackward(train: Train, hidden: usize, step: i32, outputGradient: usize, recurrent: usize, dh: usize, dValue: usize): void {
  const units = train.units;
  for (let example = 0; example < train.batch; example += 1) {
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      store4(at(dValue, k), hiddenStateEndBackward(train, step, example, k, count, outputGradient, recurrent, dh), count);
    }
  }
  normBackwardStep(hidden, step, train.batch, dValue, units, units);
}
