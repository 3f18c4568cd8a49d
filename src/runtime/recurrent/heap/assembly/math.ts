/**
 * Vector math on four float lanes (wasm SIMD) for the cell kernels, and the loads and stores that let one
 * loop body serve a row whose length is not a multiple of four.
 *
 * exp(x) = 2ⁿ · eʳ with n = round(x / ln 2) and |r| ≤ ln 2 / 2: n comes from the magic-bias trick (adding
 * 1.5·2²³ + 127 to x·log₂e leaves n + 127 in the low mantissa bits, which shifted by 23 are the exponent
 * of 2ⁿ), ln 2 is split in two so that r is exact to float precision, and eʳ is its Taylor polynomial to
 * degree 6 (truncation error below 1.2e-7 relative). x is clamped to [−87, 88] so that 2ⁿ stays a normal
 * float; NaN passes through (pmin/pmax keep their first operand when a comparison fails).
 * σ(x) = 1 / (1 + e⁻ˣ); tanh(x) = 1 − 2 / (e²ˣ + 1), exact at both saturations. Measured against float64:
 * relative error of σ below 3e-7, absolute error of tanh below 3e-7 (test/runtime/heap-kernels.test.ts).
 */

@inline export function exp4(x: v128): v128 {
  const clamped = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const magic = f32x4.splat(12583039.0); // 1.5·2²³ + 127
  const biased = f32x4.add(f32x4.mul(clamped, f32x4.splat(1.44269504)), magic);
  const twoToN = i32x4.shl(biased, 23);
  const n = f32x4.sub(biased, magic);
  const r = f32x4.sub(f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(0.693359375))), f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.0 / 720.0), r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  return f32x4.mul(p, twoToN);
}

@inline export function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tfjs's hardSigmoid: clip(0.2·x + 0.5, 0, 1). */
@inline export function hardSigmoid4(x: v128): v128 {
  const linear = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.pmax(f32x4.pmin(linear, f32x4.splat(1.0)), f32x4.splat(0.0));
}

@inline export function tanh4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(exp4(f32x4.add(x, x)), one)));
}

/** `scale · (x > 0 ? x : α(eˣ − 1))`: ELU with α = scale = 1, SELU with its constants. */
@inline function elu4(x: v128, alpha: f32, scale: f32): v128 {
  const negative = f32x4.mul(f32x4.splat(alpha), f32x4.sub(exp4(f32x4.pmin(x, f32x4.splat(0.0))), f32x4.splat(1.0)));
  return f32x4.mul(f32x4.splat(scale), v128.bitselect(x, negative, f32x4.gt(x, f32x4.splat(0.0))));
}

/**
 * The activations the kernels compute, by code (`ACTIVATION_CODES` in `../cells.ts`). The others (softplus,
 * GELU, softmax) are not here: a layer with one of them runs its ordinary step loop.
 */
export const TANH: i32 = 0;
export const SIGMOID: i32 = 1;
export const HARD_SIGMOID: i32 = 2;
export const RELU: i32 = 3;
export const LINEAR: i32 = 4;
export const ELU: i32 = 5;
export const SELU: i32 = 6;
export const SOFTSIGN: i32 = 7;
export const SWISH: i32 = 8;

/** Activation `code` of four lanes, as tfjs defines it (tanh and σ tested first: the common ones). */
@inline export function activate4(x: v128, code: i32): v128 {
  if (code == TANH) return tanh4(x);
  if (code == SIGMOID) return sigmoid4(x);
  switch (code) {
    case HARD_SIGMOID:
      return hardSigmoid4(x);
    case RELU:
      return f32x4.pmax(x, f32x4.splat(0.0));
    case ELU:
      return elu4(x, 1.0, 1.0);
    case SELU:
      return elu4(x, 1.6732632423543772, 1.0507009873554805);
    case SOFTSIGN:
      return f32x4.div(x, f32x4.add(f32x4.splat(1.0), f32x4.abs(x)));
    case SWISH:
      return f32x4.mul(x, sigmoid4(x));
    default:
      return x; // LINEAR
  }
}

/** `count` floats from `address` (all four when count ≥ 4; the missing lanes are zero). */
@inline export function load4(address: usize, count: i32): v128 {
  if (count >= 4) return v128.load(address);
  let value = f32x4.replace_lane(f32x4.splat(0.0), 0, load<f32>(address));
  if (count > 1) value = f32x4.replace_lane(value, 1, load<f32>(address, 4));
  if (count > 2) value = f32x4.replace_lane(value, 2, load<f32>(address, 8));
  return value;
}

/** Stores the first `count` lanes of `value` (all four when count ≥ 4). */
@inline export function store4(address: usize, value: v128, count: i32): void {
  if (count >= 4) {
    v128.store(address, value);
    return;
  }
  store<f32>(address, f32x4.extract_lane(value, 0));
  if (count > 1) store<f32>(address, f32x4.extract_lane(value, 1), 4);
  if (count > 2) store<f32>(address, f32x4.extract_lane(value, 2), 8);
}

/** Byte address of float `index` from `base`. */
@inline export function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Lanes in the chunk of a row of `length` floats that starts at `index`. */
@inline export function lanes(length: i32, index: i32): i32 {
  return min(4, length - index);
}

/** `out = a + b` over `length` floats. */
export function addRows(out: usize, a: usize, b: usize, length: i32): void {
  for (let j = 0; j < length; j += 4) {
    const count = lanes(length, j);
    store4(at(out, j), f32x4.add(load4(at(a, j), count), load4(at(b, j), count)), count);
  }
}

/** The sum of the four lanes. */
@inline function horizontalSum(lanesValue: v128): f32 {
  return f32x4.extract_lane(lanesValue, 0) + f32x4.extract_lane(lanesValue, 1) + f32x4.extract_lane(lanesValue, 2) + f32x4.extract_lane(lanesValue, 3);
}

/** The sum of `length` floats. */
export function sum(values: usize, length: i32): f32 {
  let total = f32x4.splat(0.0);
  for (let j = 0; j < length; j += 4) total = f32x4.add(total, load4(at(values, j), lanes(length, j)));
  return horizontalSum(total);
}

/** Σ (v − center)² over `length` floats. */
export function squaredDeviations(values: usize, length: i32, center: f32): f32 {
  let total = f32x4.splat(0.0);
  const centers = f32x4.splat(center);
  for (let j = 0; j < length; j += 4) {
    const count = lanes(length, j);
    // Missing lanes load as zero: subtract the center only where a value is, so they add nothing.
    const deviation = f32x4.sub(load4(at(values, j), count), count >= 4 ? centers : load4Splat(center, count));
    total = f32x4.add(total, f32x4.mul(deviation, deviation));
  }
  return horizontalSum(total);
}

/** `value` in the first `count` lanes, zero in the rest. */
@inline function load4Splat(value: f32, count: i32): v128 {
  let lanesValue = f32x4.splat(0.0);
  lanesValue = f32x4.replace_lane(lanesValue, 0, value);
  if (count > 1) lanesValue = f32x4.replace_lane(lanesValue, 1, value);
  if (count > 2) lanesValue = f32x4.replace_lane(lanesValue, 2, value);
  return lanesValue;
}
