/**
 * The GRU's training steps with layer or RMS norms inside the loop, forward (recording) and backward, both
 * reset positions: `../../fused/gru-norms.ts` in compiled form, with the equations of
 * `src/variants/cells/gru.ts` (gate blocks z, r, h; h̃ = h ⊙ recurrent mask; N_site,span the norm of a span):
 *   reset after:  R = N_rec(h̃·U);  [z, r] = σ(N_gates,zr(P_zr + R_zr) + b_zr);  c = tanh(N_gates,h(P_h + r ⊙ R_h) + b_h)
 *   reset first:  [z, r] = σ(N_gates,zr(P_zr + N_rec,zr(h̃·U_zr)) + b_zr);     c = tanh(N_gates,h(P_h + N_rec,h((r ⊙ h̃)·U_h)) + b_h)
 *   h' = N_hidden(z ⊙ h_{t−1} + (1 − z) ⊙ c ⊙ m),
 * then zoneout and the mask as in `train-gru.ts`; the same kernel calls around the same matmuls as there.
 * Each layer or RMS norm (statistics per example) is applied to a whole step's rows at once
 * (`normForwardStep`, `train-norm.ts`) at the start of a phase (forward) or the end of one (backward). A
 * step is five phases each way, split where a norm may sit: a batch norm (statistics over the batch,
 * `train-batch-norm.ts`) runs between two of them, called by the caller on the phase's buffers, since its
 * sums are reduced across data-parallel shards in JavaScript; the input site's norm, only ever a batch norm
 * here (with statistics per example it runs on all steps at once, before the op), too. Without a batch norm
 * the caller calls the phases of a step in two kernels forward and two backward (`gruNormsGatesForward`,
 * `gruNormsStateForward`, `gruNormsStateBackward`, `gruNormsResetBackward`), around the same matmuls as
 * `train-gru.ts`. `GRU_NORMS_FIELDS` in `../structs.ts` is `GruNorms`'s field order.
 */
import { activate4, addRows, at, lanes, load4, store4, TANH } from './math';
import { gatePrime4, recurrentMasked, stepFactor, Train } from './train';
import { normalizedStateEnd, normalizedStateEndBackward, normBackwardStep, normForwardStep } from './train-norm';

@unmanaged
export class GruNorms {
  /** `Site` structs, 0 where the span has no norm: the recurrent product's first span (z, r, h reset after; z, r first). */
  recurrent: usize;
  /** Reset first: the candidate's recurrent product (r ⊙ h̃)·U_h. */
  recurrentCandidate: usize;
  /** The gates' pre-activations: z, r, then the candidate's. */
  gates: usize;
  gatesCandidate: usize;
  hidden: usize;
  /** b `[3u]` and its gradient, or 0 (then the bias, if any, was added before the op). */
  bias: usize;
  dBias: usize;
  /**
   * Room for 2·batch·u floats: forward the gates' pre-activation `[batch, 2u]`, then the candidate's and the
   * state before the hidden norm `[batch, u]`; backward the latter's gradient.
   */
  scratch: usize;
}

/**
 * Forward phase 1: N_rec(`recurrent`) in place (h̃·U `[batch, 3u]` reset after, h̃·U_zr `[batch, 2u]` first),
 * then the gates' pre-activation P_zr + R_zr into the scratch `[batch, 2u]`.
 */
export function gruNormsGatesSum(train: Train, norms: GruNorms, step: i32, input: usize, recurrent: usize, resetAfter: i32): void {
  const units = train.units;
  const batch = train.batch;
  const recurrentWidth = (resetAfter != 0 ? 3 : 2) * units;
  normForwardStep(norms.recurrent, step, batch, recurrent, recurrentWidth, units);
  for (let example = 0; example < batch; example += 1) addRows(at(norms.scratch, example * 2 * units), at(input, example * 3 * units), at(recurrent, example * recurrentWidth), 2 * units);
}

/** Forward phase 2: N_gates,zr of the scratch, + b_zr, z and r recorded in `gates`, and the reset term; arguments as `gruGatesForward`'s. */
export function gruNormsGatesActivate(train: Train, norms: GruNorms, step: i32, recurrent: usize, resetAfter: i32, hMasked: usize, gates: usize, resetTerm: usize): void {
  const units = train.units;
  const batch = train.batch;
  const width = 3 * units;
  const recurrentWidth = (resetAfter != 0 ? 3 : 2) * units;
  const gate = train.gateActivation;
  const pre = norms.scratch;
  normForwardStep(norms.gates, step, batch, pre, 2 * units, units);
  for (let example = 0; example < batch; example += 1) {
    const preRow = at(pre, example * 2 * units);
    if (norms.bias != 0) addRows(preRow, preRow, norms.bias, 2 * units);
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const z = activate4(load4(at(preRow, j), count), gate);
      const r = activate4(load4(at(preRow, units + j), count), gate);
      store4(at(gates, row + j), z, count);
      store4(at(gates, row + units + j), r, count);
      const term = resetAfter != 0 ? load4(at(recurrent, example * recurrentWidth + 2 * units + j), count) : f32x4.mul(r, load4(at(hMasked, k), count));
      store4(at(resetTerm, k), term, count);
    }
  }
}

/** z and r, and the reset term: phases 1 and 2; arguments as `gruGatesForward`'s. */
export function gruNormsGatesForward(train: Train, norms: GruNorms, step: i32, input: usize, recurrent: usize, resetAfter: i32, hMasked: usize, gates: usize, resetTerm: usize): void {
  gruNormsGatesSum(train, norms, step, input, recurrent, resetAfter);
  gruNormsGatesActivate(train, norms, step, recurrent, resetAfter, hMasked, gates, resetTerm);
}

/**
 * Forward phase 3: reset first N_rec,h(`candidateRecurrent`) in place, then the candidate's pre-activation
 * P_h + that (reset after P_h + r ⊙ R_h) into the scratch `[batch, u]`.
 */
export function gruNormsCandidateSum(train: Train, norms: GruNorms, step: i32, input: usize, candidateRecurrent: usize, gates: usize, resetTerm: usize): void {
  const units = train.units;
  const batch = train.batch;
  const width = 3 * units;
  if (candidateRecurrent != 0) normForwardStep(norms.recurrentCandidate, step, batch, candidateRecurrent, units, units);
  for (let example = 0; example < batch; example += 1) {
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const term = candidateRecurrent != 0 ? load4(at(candidateRecurrent, k), count) : f32x4.mul(load4(at(gates, row + units + j), count), load4(at(resetTerm, k), count));
      store4(at(norms.scratch, k), f32x4.add(load4(at(input, row + 2 * units + j), count), term), count);
    }
  }
}

/** Forward phase 4: N_gates,h of the scratch, + b_h, the candidate c recorded in `gates`, and z ⊙ h_{t−1} + (1 − z) ⊙ c ⊙ m in the scratch. */
export function gruNormsCandidateState(train: Train, norms: GruNorms, step: i32, gates: usize, h: usize): void {
  const units = train.units;
  const batch = train.batch;
  const width = 3 * units;
  const one = f32x4.splat(1.0);
  const value = norms.scratch;
  normForwardStep(norms.gatesCandidate, step, batch, value, units, units);
  for (let example = 0; example < batch; example += 1) {
    const row = example * width;
    if (norms.bias != 0) addRows(at(value, example * units), at(value, example * units), at(norms.bias, 2 * units), units);
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const candidate = activate4(load4(at(value, k), count), TANH);
      store4(at(gates, row + 2 * units + j), candidate, count);
      const z = load4(at(gates, row + j), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      store4(at(value, k), f32x4.add(f32x4.mul(z, load4(at(h, k), count)), f32x4.mul(f32x4.mul(f32x4.sub(one, z), candidate), m)), count);
    }
  }
}

/** Forward phase 5: N_hidden of the scratch, then zoneout, the mask, the new state, the output and h̃ (`normalizedStateEnd`). */
export function gruNormsStateEnd(train: Train, norms: GruNorms, step: i32, h: usize, hNext: usize, out: usize, hMaskedNext: usize): void {
  normalizedStateEnd(train, norms.hidden, step, norms.scratch, h, hNext, out, hMaskedNext);
}

/** The candidate and the new state: phases 3 to 5; arguments as `gruStateForward`'s. */
export function gruNormsStateForward(
  train: Train,
  norms: GruNorms,
  step: i32,
  input: usize,
  candidateRecurrent: usize,
  gates: usize,
  resetTerm: usize,
  h: usize,
  hNext: usize,
  out: usize,
  hMaskedNext: usize,
): void {
  gruNormsCandidateSum(train, norms, step, input, candidateRecurrent, gates, resetTerm);
  gruNormsCandidateState(train, norms, step, gates, h);
  gruNormsStateEnd(train, norms, step, h, hNext, out, hMaskedNext);
}

/**
 * Backward phase 5: dh_t (with dz_{t+1}·Uᵀ where `recurrent` is not 0, and the output's) through zoneout and
 * N_hidden into the scratch, the gradient of z ⊙ h_{t−1} + (1 − z) ⊙ c ⊙ m; `dh` keeps what reaches h_{t−1} directly.
 */
export function gruNormsStateEndBackward(train: Train, norms: GruNorms, step: i32, outputGradient: usize, recurrent: usize, dh: usize): void {
  normalizedStateEndBackward(train, norms.hidden, step, outputGradient, recurrent, dh, norms.scratch);
}

/** Backward phase 4: from the scratch, dP's z block (at z's activation) and h block, dh_{t−1} += dh' ⊙ z, db_h, then the h block through N_gates,h. */
export function gruNormsCandidateBackward(train: Train, norms: GruNorms, step: i32, gates: usize, h: usize, dh: usize, dInput: usize): void {
  const units = train.units;
  const batch = train.batch;
  const width = 3 * units;
  const gate = train.gateActivation;
  const one = f32x4.splat(1.0);
  const dNew = norms.scratch;
  for (let example = 0; example < batch; example += 1) {
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const dhRaw = load4(at(dNew, k), count);
      const z = load4(at(gates, row + j), count);
      const candidate = load4(at(gates, row + 2 * units + j), count);
      const m = stepFactor(train.candidate, train.candidateStride, step, k, count, 1.0);
      const dz = f32x4.mul(dhRaw, f32x4.sub(load4(at(h, k), count), f32x4.mul(m, candidate)));
      store4(at(dInput, row + j), f32x4.mul(dz, gatePrime4(z, gate)), count);
      store4(at(dInput, row + 2 * units + j), f32x4.mul(f32x4.mul(f32x4.mul(dhRaw, f32x4.sub(one, z)), m), f32x4.sub(one, f32x4.mul(candidate, candidate))), count);
      store4(at(dh, k), f32x4.add(load4(at(dh, k), count), f32x4.mul(dhRaw, z)), count);
    }
    if (norms.dBias != 0) addRows(at(norms.dBias, 2 * units), at(norms.dBias, 2 * units), at(dInput, row + 2 * units), units);
  }
  normBackwardStep(norms.gatesCandidate, step, batch, at(dInput, 2 * units), width, units);
}

/** Backward phase 3, reset first: dP's h block, the candidate product's gradient, into `dCandidate` `[batch, u]`, through N_rec,h. */
export function gruNormsCandidateProductBackward(train: Train, norms: GruNorms, step: i32, dInput: usize, dCandidate: usize): void {
  const units = train.units;
  for (let example = 0; example < train.batch; example += 1) memory.copy(at(dCandidate, example * units), at(dInput, example * 3 * units + 2 * units), <usize>units << 2);
  normBackwardStep(norms.recurrentCandidate, step, train.batch, dCandidate, units, units);
}

/** Backward phase 3, reset after: dP's r block (at r's activation) from dP's h block and R_h, and the recurrent product's h block, r ⊙ dP_h. */
export function gruNormsResetAfterBackward(train: Train, gates: usize, resetTerm: usize, dInput: usize, dRecurrent: usize): void {
  const units = train.units;
  const width = 3 * units;
  const gate = train.gateActivation;
  for (let example = 0; example < train.batch; example += 1) {
    const row = example * width;
    for (let j = 0; j < units; j += 4) {
      const count = lanes(units, j);
      const k = example * units + j;
      const r = load4(at(gates, row + units + j), count);
      const dCandidatePre = load4(at(dInput, row + 2 * units + j), count);
      store4(at(dInput, row + units + j), f32x4.mul(f32x4.mul(dCandidatePre, load4(at(resetTerm, k), count)), gatePrime4(r, gate)), count);
      store4(at(dRecurrent, row + 2 * units + j), f32x4.mul(dCandidatePre, r), count);
    }
  }
}

/** Backward phase 3, reset first, after the matmul `dResetProduct` = dc·U_hᵀ `[batch, u]`: dP's r block, and dh_{t−1} += mask ⊙ (dResetProduct ⊙ r). */
export function gruNormsResetFirstBackward(train: Train, gates: usize, h: usize, dResetProduct: usize, dh: usize, dInput: usize): void {
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
      store4(at(dInput, row + units + j), f32x4.mul(f32x4.mul(product, recurrentMasked(train, load4(at(h, k), count), k, count)), gatePrime4(r, gate)), count);
      store4(at(dh, k), f32x4.add(load4(at(dh, k), count), recurrentMasked(train, f32x4.mul(product, r), k, count)), count);
    }
  }
}

/** Backward phase 2: from d[z, r] at the gates' activations (dP's z, r blocks), db_zr, then those blocks through N_gates,zr. */
export function gruNormsGatesBackward(train: Train, norms: GruNorms, step: i32, dInput: usize): void {
  const units = train.units;
  const batch = train.batch;
  const width = 3 * units;
  if (norms.dBias != 0) {
    for (let example = 0; example < batch; example += 1) addRows(norms.dBias, norms.dBias, at(dInput, example * width), 2 * units);
  }
  normBackwardStep(norms.gates, step, batch, dInput, width, units);
}

/**
 * Backward phase 1: dP's z, r blocks copied into the recurrent product's gradient (its z, r blocks; the
 * candidate's block is there already reset after), then through N_rec; dP is then the caller's to take
 * through an input norm.
 */
export function gruNormsRecurrentBackward(train: Train, norms: GruNorms, step: i32, dInput: usize, dRecurrent: usize, recurrentWidth: i32): void {
  const units = train.units;
  const batch = train.batch;
  for (let example = 0; example < batch; example += 1) memory.copy(at(dRecurrent, example * recurrentWidth), at(dInput, example * 3 * units), <usize>(2 * units) << 2);
  normBackwardStep(norms.recurrent, step, batch, dRecurrent, recurrentWidth, units);
}

/**
 * Backward through the state update, the hidden norm and the candidate; arguments as `gruStateBackward`'s.
 * Reset after it finishes the step (phases 5 to 1); reset first it leaves dP's r block to
 * `gruNormsResetBackward` and writes the candidate product's gradient (through its norm) into `dCandidate`.
 */
export function gruNormsStateBackward(
  train: Train,
  norms: GruNorms,
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
  gruNormsStateEndBackward(train, norms, step, outputGradient, recurrent, dh);
  gruNormsCandidateBackward(train, norms, step, gates, h, dh, dInput);
  if (resetAfter == 0) {
    gruNormsCandidateProductBackward(train, norms, step, dInput, dCandidate);
    return;
  }
  gruNormsResetAfterBackward(train, gates, resetTerm, dInput, dRecurrent);
  gruNormsGatesBackward(train, norms, step, dInput);
  gruNormsRecurrentBackward(train, norms, step, dInput, dRecurrent, 3 * train.units);
}

/** Reset first, after the matmul `dResetProduct` = dc·U_hᵀ: the step's rest (phases 3 to 1); arguments as `gruResetBackward`'s. */
export function gruNormsResetBackward(train: Train, norms: GruNorms, step: i32, gates: usize, h: usize, dResetProduct: usize, dh: usize, dInput: usize, dRecurrent: usize): void {
  gruNormsResetFirstBackward(train, gates, h, dResetProduct, dh, dInput);
  gruNormsGatesBackward(train, norms, step, dInput);
  gruNormsRecurrentBackward(train, norms, step, dInput, dRecurrent, 2 * train.units);
}
