/**
 * What the training kernels of every cell share (`train-lstm.ts`, …): the `Train` struct of a layer call,
 * the per-step dropout masks, and the helpers of the pass's matmuls (transposes, the recurrent gradient).
 *
 * Training on the heap (`../training.ts`) runs the forward loop once while recording what backpropagation
 * needs (states, activated gates), then the backward loop through time. The arithmetic is the fused op's
 * (`../../fused/<cell>.ts`, itself `src/variants/cells/<cell>.ts` with every norm absent), element for element,
 * in float32 four lanes at a time. `TRAIN_FIELDS` in `../structs.ts` is this class's field order.
 */
import { at, lanes, load4, store4 } from './math';

@unmanaged
export class Train {
  batch: i32;
  units: i32;
  /** Gate activation, a code of `activate4` (sigmoid or hard sigmoid). */
  gateActivation: i32;
  /** The LSTM's constant forget bias (added inside σ). */
  forgetConstant: f32;
  /** `[steps·batch]` validity (1 a real step, 0 padding), or 0. */
  mask: usize;
  /** Variational recurrent dropout: `[batch·units]` mask on h_{t−1} entering h·U, or 0. */
  recurrentMask: usize;
  /** Candidate dropout and zoneout of c and h: each `[steps·batch·units]` (stride batch·units a step) or
   * `[batch·units]` (stride 0: one for the sequence), or 0 where off. */
  candidate: usize;
  candidateStride: i32;
  zoneoutCell: usize;
  zoneoutCellStride: i32;
  zoneoutHidden: usize;
  zoneoutHiddenStride: i32;
}

/** Validity of `example` at `step` (1 without a mask), as four lanes. */
@inline export function validity(train: Train, step: i32, example: i32): v128 {
  return train.mask == 0 ? f32x4.splat(1.0) : f32x4.splat(load<f32>(at(train.mask, step * train.batch + example)));
}

/** A step mask's four values at element `k` of step `step`, or `otherwise` without the mask. */
@inline export function stepFactor(mask: usize, stride: i32, step: i32, k: i32, count: i32, otherwise: f32): v128 {
  return mask == 0 ? f32x4.splat(otherwise) : load4(at(mask, step * stride + k), count);
}

/** d gate / d pre-activation from the gate's value y: y(1 − y) for σ, 0.2 inside (0, 1) for the hard sigmoid. */
@inline export function gatePrime4(y: v128, code: i32): v128 {
  const zero = f32x4.splat(0.0);
  const one = f32x4.splat(1.0);
  if (code == 1) return f32x4.mul(y, f32x4.sub(one, y));
  const inside = v128.and(f32x4.gt(y, zero), f32x4.lt(y, one));
  return v128.bitselect(f32x4.splat(0.2), zero, inside);
}

/**
 * The end of a step with one state h, for four lanes of `example` at element `k`: zoneout of the new value
 * `hNew` towards h_{t−1}, the padding mask (a padded step keeps h_{t−1}, and outputs zeros), the new state,
 * the output (`out` 0: none) and h̃_t for the next product. The GRU's and simple RNN's kernels end this way.
 */
@inline export function hiddenStateEnd(train: Train, step: i32, example: i32, k: i32, count: i32, hNew: v128, h: usize, hNext: usize, out: usize, hMaskedNext: usize): void {
  const valid = validity(train, step, example);
  const hPrevious = load4(at(h, k), count);
  const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
  const hZoned = f32x4.add(hNew, f32x4.mul(zh, f32x4.sub(hPrevious, hNew)));
  const hValue = f32x4.add(f32x4.mul(valid, hZoned), f32x4.mul(f32x4.sub(f32x4.splat(1.0), valid), hPrevious));
  store4(at(hNext, k), hValue, count);
  if (out != 0) store4(at(out, k), f32x4.mul(valid, hZoned), count);
  store4(at(hMaskedNext, k), recurrentMasked(train, hValue, k, count), count);
}

/**
 * The LSTM's cell state at the end of a step, for four lanes of example `example` (`k` its element in the
 * step): `cNew` zoned out towards c_{t−1}, and a padded step keeping c_{t−1}. With `hiddenStateEnd` for h, the
 * plain and the normalized LSTM kernels end this way.
 */
@inline export function cellStateEnd(train: Train, step: i32, example: i32, k: i32, count: i32, cNew: v128, c: usize, cNext: usize): void {
  const valid = validity(train, step, example);
  const cPrevious = load4(at(c, k), count);
  const zc = stepFactor(train.zoneoutCell, train.zoneoutCellStride, step, k, count, 0.0);
  const cZoned = f32x4.add(cNew, f32x4.mul(zc, f32x4.sub(cPrevious, cNew)));
  store4(at(cNext, k), f32x4.add(f32x4.mul(valid, cZoned), f32x4.mul(f32x4.sub(f32x4.splat(1.0), valid), cPrevious)), count);
}

/**
 * The backward pass of `hiddenStateEnd`, for four lanes: from dh_t (`dh`, plus `recurrent` the previous
 * iteration's d(h̃·U)·Uᵀ where not 0, plus the output's gradient where `outputGradient` is not 0) returns
 * the gradient of the new value before zoneout, and leaves in `dh` the part that reaches h_{t−1} directly
 * (the cell adds its own paths to h_{t−1} after).
 */
@inline export function hiddenStateEndBackward(train: Train, step: i32, example: i32, k: i32, count: i32, outputGradient: usize, recurrent: usize, dh: usize): v128 {
  const valid = validity(train, step, example);
  let dhIn = load4(at(dh, k), count);
  if (recurrent != 0) dhIn = f32x4.add(dhIn, recurrentMasked(train, load4(at(recurrent, k), count), k, count));
  const fromOutput = outputGradient == 0 ? f32x4.splat(0.0) : load4(at(outputGradient, k), count);
  const dhZoned = f32x4.mul(valid, f32x4.add(dhIn, fromOutput));
  const zh = stepFactor(train.zoneoutHidden, train.zoneoutHiddenStride, step, k, count, 0.0);
  store4(at(dh, k), f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), valid), dhIn), f32x4.mul(dhZoned, zh)), count);
  return f32x4.mul(dhZoned, f32x4.sub(f32x4.splat(1.0), zh));
}

/** `y · mask` where there is a variational recurrent mask (`[batch·units]`, so `k` is the element in the step). */
@inline export function recurrentMasked(train: Train, value: v128, k: i32, count: i32): v128 {
  return train.recurrentMask == 0 ? value : f32x4.mul(value, load4(at(train.recurrentMask, k), count));
}

/**
 * `out = inᵀ` for `in` `[rows, columns]`, each element times the recurrent mask when there is one (row r is
 * example r mod batch). Made once per call: Uᵀ for dh_{t−1} = dz·Uᵀ, and the recorded left operands of h·U
 * transposed for dU = Hᵀ·dZ (the backend's matmul is fast only untransposed).
 */
export function transposeRows(train: Train, out: usize, from: usize, rows: i32, columns: i32, masked: i32): void {
  const useMask = masked != 0 && train.recurrentMask != 0;
  for (let r = 0; r < rows; r += 1) {
    const row = at(from, r * columns);
    const maskRow = useMask ? at(train.recurrentMask, (r % train.batch) * columns) : 0;
    for (let c = 0; c < columns; c += 1) {
      const value = load<f32>(at(row, c));
      store<f32>(at(out, c * rows + r), useMask ? value * load<f32>(at(maskRow, c)) : value);
    }
  }
}

/** `out = h ⊙ mask` for one step's `[batch, units]` states: the left operand of h·U under recurrent dropout. */
export function maskState(train: Train, out: usize, h: usize): void {
  const size = train.batch * train.units;
  for (let k = 0; k < size; k += 4) {
    const count = lanes(size, k);
    store4(at(out, k), recurrentMasked(train, load4(at(h, k), count), k, count), count);
  }
}

/** `dh += mask ⊙ recurrent`: the gradient that reaches h_{t−1} through h·U (`recurrent` = dz_t·Uᵀ). */
export function addRecurrentGradient(train: Train, dh: usize, recurrent: usize): void {
  const size = train.batch * train.units;
  for (let k = 0; k < size; k += 4) {
    const count = lanes(size, k);
    store4(at(dh, k), f32x4.add(load4(at(dh, k), count), recurrentMasked(train, load4(at(recurrent, k), count), k, count)), count);
  }
}
