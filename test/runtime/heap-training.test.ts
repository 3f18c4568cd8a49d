/**
 * The fused op's training path on the wasm heap (src/runtime/recurrent/heap/training.ts): for every config it
 * covers, the op takes it on wasm (its counters move) and its outputs, final states and gradients equal those
 * of the fused loops in JavaScript (`fusedLstm.run` and its `backward`, called directly on the same values)
 * to float32 rounding; a config it declines runs the JavaScript loops, and the layer still trains. The fused
 * and heap loops of each case are the ones its cell's descriptor declares (`CELL_DESCRIPTORS`).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeqnetRecurrent } from '../../src/runtime/index.js';
import { cellDescriptor } from '../../src/runtime/recurrent/cells/registry.js';
import { runFused } from '../../src/runtime/recurrent/fused/op.js';
import type { FusedCall } from '../../src/runtime/recurrent/fused/op.js';
import type { FusedArgs, FusedRun, GateActivation, SiteSetup } from '../../src/runtime/recurrent/fused/types.js';
import type { NormIR } from '../../src/ir/types.js';
import { groupIdsFor } from '../../src/runtime/recurrent/norms/grouping.js';
import { normDescriptor } from '../../src/runtime/recurrent/norms/registry.js';
import { candidateAt, siteBlocks, siteSpans } from '../../src/variants/index.js';
import { heapTrainingCounts, heapTrainingSupports } from '../../src/runtime/recurrent/heap/training.js';
import { layerConfig, makeNorm, plainConfig } from '../helpers/recurrent.js';

const [STEPS, BATCH, UNITS] = [7, 3, 6];
/**
 * Examples in a batch-norm case: enough that at least 3 are valid at every step under the mask. (Over 2
 * examples x̂ = ±1 whatever the values, so the exact input gradient is 0 and both paths return rounding
 * noise divided by σ; over 1, σ² = 0.)
 */
const BN_BATCH = 6;
/** Steps of each example under the mask (the first `batch` of them). */
const LENGTHS = [STEPS, 4, 2, STEPS, STEPS, 3];

type DropoutForm = 'none' | 'recurrent' | 'candidate per step' | 'candidate per sequence' | 'zoneout' | 'zoneout expectation' | 'all';

interface Case {
  /** `normalized`: the loop with norms inside (which adds the bias inside too). */
  cell: { name: string; kind: 'lstm' | 'gru' | 'rnn'; normalized: boolean; blocks: number; states: number; resetAfter: boolean };
  gateActivation: GateActivation;
  dropout: DropoutForm;
  masked: boolean;
  keepOutputs: boolean;
  /** Norms inside the loop (the normalized cells). */
  norms: NormIR[];
  batch: number;
}

const CELLS: Case['cell'][] = [
  { name: 'lstm', kind: 'lstm', normalized: false, blocks: 4, states: 2, resetAfter: false },
  { name: 'gru (reset first)', kind: 'gru', normalized: false, blocks: 3, states: 1, resetAfter: false },
  { name: 'gru (reset after)', kind: 'gru', normalized: false, blocks: 3, states: 1, resetAfter: true },
  { name: 'simple rnn', kind: 'rnn', normalized: false, blocks: 1, states: 1, resetAfter: false },
];
const DROPOUT: DropoutForm[] = ['none', 'recurrent', 'candidate per step', 'candidate per sequence', 'zoneout', 'zoneout expectation', 'all'];

const CASES: Case[] = CELLS.flatMap((cell) =>
  DROPOUT.flatMap((dropout) =>
    (['sigmoid', 'hard_sigmoid'] as const).flatMap((gateActivation) =>
      [true, false].map((masked): Case => ({ cell, gateActivation, dropout, masked, keepOutputs: masked || dropout === 'none', norms: [], batch: BATCH })),
    ),
  ),
);

const normalized = (cell: Case['cell']): Case['cell'] => ({ ...cell, name: `normalized ${cell.name}`, normalized: true });
const [NORMALIZED_LSTM, NORMALIZED_GRU_FIRST, NORMALIZED_GRU_AFTER, NORMALIZED_RNN] = CELLS.map(normalized);

type NormSet = (kind: 'layer' | 'rms') => NormIR[];

/** Layer and RMS norm at every site the LSTM's loop normalizes (the input site's runs before the op), alone and together. */
const LSTM_NORM_SETS: NormSet[] = [
  (kind) => [makeNorm('recurrent', kind)],
  (kind) => [makeNorm('gates', kind, { groups: 'per_gate' })],
  (kind) => [makeNorm('cell', kind)],
  (kind) => [makeNorm('hidden', kind)],
  (kind) => [makeNorm('recurrent', kind, { groups: 'gates_and_candidate' }), makeNorm('cell', kind, { carry: true }), makeNorm('hidden', kind)],
];

/**
 * Batch norm with per-step statistics (Cooijmans et al. 2016) at every site inside the loop, the input site
 * included (its statistics per step put it inside the op): alone, with and without β, the cell's carried,
 * with layer and RMS norms at other sites, and the paper's set (input and recurrent without β, cell with).
 * `makeNorm` gives 4 steps of population rows for 7 steps: the later steps' statistics are handed back too.
 */
const batchNorm = (site: NormIR['site'], overrides: Partial<NormIR> = {}) => makeNorm(site, 'batch', overrides);
const BATCH_NORM_SETS: NormIR[][] = [
  [batchNorm('input')],
  [batchNorm('recurrent', { center: false })],
  [batchNorm('gates')],
  [batchNorm('cell')],
  [batchNorm('hidden', { center: false })],
  [batchNorm('input', { center: false }), batchNorm('recurrent', { center: false }), batchNorm('cell')],
  [batchNorm('recurrent'), batchNorm('cell', { carry: true }), batchNorm('hidden')],
  // (Not a centred norm right before a batch norm: its β's exact gradient, a batch sum of the batch norm's dx, is 0.)
  [makeNorm('recurrent', 'rms'), batchNorm('gates', { center: false }), makeNorm('cell', 'layer', { carry: true }), batchNorm('hidden')],
];

/**
 * Batch norm (per-step statistics) at every site of the GRU's and the simple RNN's loops, the input site
 * included: alone, with and without β, the Cooijmans set (input and recurrent without β, hidden with), every
 * site at once, and mixed with layer and RMS norms (as for the LSTM, no centred norm right before a batch norm).
 * The GRU's gates site is two batch-norm spans ([z, r], h), and so is its recurrent site reset first, each with
 * its own statistics and reductions, as in the JS loop.
 */
const GRU_RNN_BATCH_NORM_SETS: NormIR[][] = [
  [batchNorm('input')],
  [batchNorm('recurrent', { center: false })],
  [batchNorm('gates')],
  [batchNorm('hidden', { center: false })],
  [batchNorm('input', { center: false }), batchNorm('recurrent', { center: false }), batchNorm('hidden')],
  [batchNorm('input', { center: false }), batchNorm('recurrent', { center: false }), batchNorm('gates', { center: false }), batchNorm('hidden')],
  [makeNorm('recurrent', 'rms'), batchNorm('gates', { center: false }), makeNorm('hidden', 'layer')],
  [batchNorm('recurrent', { center: false }), makeNorm('gates', 'layer', { groups: 'per_gate', center: false }), batchNorm('hidden')],
];

/** Each batch-norm set without dropout and with every form, with and without padding. */
function batchNormCases(cell: Case['cell'], sets: NormIR[][]): Case[] {
  return sets.flatMap((norms) =>
    (['none', 'all'] as const).flatMap((dropout) => [false, true].map((masked): Case => ({ cell, gateActivation: 'sigmoid', dropout, masked, keepOutputs: true, norms, batch: BN_BATCH }))),
  );
}

/**
* The GRU's sites, alone and together; its gates are always normalized in two spans ([z, r], then h: `groups
 * all` is not allowed there), and so is its recurrent product with the reset gate first.
 */
const GRU_NORM_SETS: NormSet[] = [
  (kind) => [makeNorm('recurrent', kind)],
  (kind) => [makeNorm('recurrent', kind, { groups: 'per_gate' })],
  (kind) => [makeNorm('gates', kind, { groups: 'per_gate' })],
  (kind) => [makeNorm('gates', kind, { groups: 'gates_and_candidate' })],
  (kind) => [makeNorm('hidden', kind)],
  (kind) => [makeNorm('recurrent', kind, { groups: 'gates_and_candidate' }), makeNorm('gates', kind, { groups: 'per_gate' }), makeNorm('hidden', kind)],
];

const RNN_NORM_SETS: NormSet[] = [
  (kind) => [makeNorm('recurrent', kind)],
  (kind) => [makeNorm('gates', kind)],
  (kind) => [makeNorm('hidden', kind)],
  (kind) => [makeNorm('recurrent', kind), makeNorm('gates', kind), makeNorm('hidden', kind)],
];

/** Each set of each kind, without dropout and with every form and a mask. */
function normCases(cell: Case['cell'], sets: NormSet[]): Case[] {
  return (['layer', 'rms'] as const).flatMap((kind) =>
    sets.flatMap((set) => (['none', 'all'] as const).map((dropout): Case => ({ cell, gateActivation: 'sigmoid', dropout, masked: dropout === 'all', keepOutputs: true, norms: set(kind), batch: BATCH }))),
  );
}

/**
 * Every site together, with β flipped (a layer norm without β, an RMS norm with one), under each dropout form
 * alone, the hard sigmoid, and final states only.
 */
function variedCases(cell: Case['cell'], sets: NormSet[]): Case[] {
  const together = sets[sets.length - 1];
  const flipped = (kind: 'layer' | 'rms') => together(kind).map((norm) => ({ ...norm, center: !norm.center }));
  const forms: DropoutForm[] = ['recurrent', 'candidate per step', 'candidate per sequence', 'zoneout', 'zoneout expectation'];
  return [
    ...(['layer', 'rms'] as const).map((kind): Case => ({ cell, gateActivation: 'sigmoid', dropout: 'all', masked: true, keepOutputs: true, norms: flipped(kind), batch: BATCH })),
    ...forms.map((dropout): Case => ({ cell, gateActivation: 'sigmoid', dropout, masked: false, keepOutputs: true, norms: together('layer'), batch: BATCH })),
    { cell, gateActivation: 'hard_sigmoid', dropout: 'all', masked: true, keepOutputs: false, norms: together('rms'), batch: BATCH },
  ];
}

CASES.push(
  ...batchNormCases(NORMALIZED_LSTM, BATCH_NORM_SETS),
  ...[NORMALIZED_GRU_FIRST, NORMALIZED_GRU_AFTER, NORMALIZED_RNN].flatMap((cell) => batchNormCases(cell, GRU_RNN_BATCH_NORM_SETS)),
  ...normCases(NORMALIZED_LSTM, LSTM_NORM_SETS),
  ...[NORMALIZED_GRU_FIRST, NORMALIZED_GRU_AFTER].flatMap((cell) => [...normCases(cell, GRU_NORM_SETS), ...variedCases(cell, GRU_NORM_SETS)]),
  ...normCases(NORMALIZED_RNN, RNN_NORM_SETS),
  ...variedCases(NORMALIZED_RNN, RNN_NORM_SETS),
);

/** The loop's sites and parameters: the bias, then γ (and β, where the norm centers) of each site, seeded. */
function sitesOf(c: Case): { sites: SiteSetup[]; params: tf.Tensor[] } {
  const params: tf.Tensor[] = c.norms.length === 0 ? [] : [tf.randomNormal([c.cell.blocks * UNITS], 0, 0.3, 'float32', 30)];
  const sites = c.norms.map((norm, i): SiteSetup => {
    const blocks = siteBlocks(c.cell.kind, norm.site);
    const form = normDescriptor(norm.kind).fused;
    if (form === undefined) throw new Error(`no fused form of ${norm.kind}`);
    params.push(tf.randomUniform([blocks * UNITS], 0.5, 1.5, 'float32', 31 + i), ...(norm.center ? [tf.randomNormal([blocks * UNITS], 0, 0.2, 'float32', 41 + i)] : []));
    return { site: norm.site, norm, form, groupIds: groupIdsFor(norm.groups, 0, blocks, candidateAt(c.cell.kind, norm.site)), population: null };
  });
  return { sites, params };
}

/** A 0/scale mask (inverted dropout) of `length` values, seeded. */
function dropMask(length: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.cast(tf.greater(tf.randomUniform([length], 0, 1, 'float32', seed), 0.3), 'float32'), 1 / 0.7));
}

/** A 0/1 zoneout mask (1 keeps the previous state), seeded. */
function zoneoutMask(length: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.less(tf.randomUniform([length], 0, 1, 'float32', seed), 0.25), 'float32'));
}

function masks(form: DropoutForm, states: number, batch: number): Pick<FusedCall, 'recurrentMask' | 'stepMasks'> {
  const SIZE = batch * UNITS;
  const on = (name: DropoutForm) => form === name || form === 'all';
  return {
    recurrentMask: on('recurrent') ? dropMask(SIZE, 1) : null,
    stepMasks: {
      candidate: on('candidate per step') ? dropMask(STEPS * SIZE, 2) : form === 'candidate per sequence' ? dropMask(SIZE, 3) : null,
      zoneoutCell: states < 2 ? null : on('zoneout') ? zoneoutMask(STEPS * SIZE, 4) : form === 'zoneout expectation' ? 0.3 : null,
      zoneoutHidden: on('zoneout') ? zoneoutMask(STEPS * SIZE, 5) : form === 'zoneout expectation' ? 0.2 : null,
    },
  };
}

/** The fused loop and the heap loop the cell's descriptor declares for the case. */
function loopsOf(c: Case): Pick<FusedCall, 'cell' | 'heapTraining'> {
  const descriptor = cellDescriptor(c.cell.kind);
  const loop = c.cell.normalized ? 'normalized' : 'plain';
  if (descriptor.fused === undefined) throw new Error(`no fused loops for ${c.cell.kind}`);
  return { cell: descriptor.fused[loop], heapTraining: descriptor.heapTraining?.[loop] ?? null };
}

function callOf(c: Case): FusedCall {
  // Example 1 ends after 4 steps, example 2 after 2 (padding then carries the states), and so on.
  const batch = c.batch;
  const validity = Float32Array.from({ length: STEPS * batch }, (_, i) => (Math.floor(i / batch) < LENGTHS[i % batch] ? 1 : 0));
  return {
    ...loopsOf(c),
    ...{ steps: STEPS, batch, units: UNITS, keepOutputs: c.keepOutputs, record: true },
    ...{ gateActivation: c.gateActivation, forgetConstant: 0.5, resetAfter: c.cell.resetAfter },
    ...sitesOf(c),
    mask: c.masked ? tf.tensor2d(validity, [STEPS * batch, 1]) : null,
    ...masks(c.dropout, c.cell.states, batch),
  };
}

interface Values {
  input: tf.Tensor;
  kernel: tf.Tensor;
  initial: tf.Tensor[];
  /** Weights of the packed value in the loss, so every output and state gets its own gradient. */
  weights: tf.Tensor;
}

function valuesOf(c: Case, call: FusedCall): Values {
  const rows = (c.keepOutputs ? STEPS * c.batch : 0) + c.cell.states * c.batch;
  return {
    input: tf.randomNormal([STEPS * c.batch, c.cell.blocks * UNITS], 0, 1, 'float32', 11),
    kernel: tf.randomNormal([UNITS, c.cell.blocks * UNITS], 0, 0.5, 'float32', 12),
    initial: Array.from({ length: c.cell.states }, (_, s) => tf.randomNormal([c.batch, UNITS], 0, 0.5, 'float32', 13 + s)),
    weights: tf.randomNormal([rows, call.units], 0, 1, 'float32', 20),
  };
}

interface Outcome {
  packed: Float32Array;
  gradients: Float32Array[];
  /** Batch-norm sites' per-step statistics for the population update, by site: μ, σ² and the valid flag of each step in turn. */
  statistics: Map<string, Float32Array>;
}

function flatStatistics(statistics: FusedRun['statistics']): Map<string, Float32Array> {
  return new Map(statistics.map(({ site, firstColumn, steps }) => [`${site} from ${firstColumn}`, Float32Array.from(steps.flatMap((step) => [...step.mean, ...step.variance, step.valid]))]));
}

/** The op as the layer runs it (the heap path where it covers the call): packed value, gradients and statistics. */
function throughOp(call: FusedCall, v: Values): Outcome {
  let packed: Float32Array = new Float32Array(0);
  let statistics: FusedRun['statistics'] = [];
  const stateCount = v.initial.length;
  const gradients = tf.grads((input: tf.Tensor, kernel: tf.Tensor, ...rest: tf.Tensor[]) => {
    const result = runFused({ ...call, params: rest.slice(stateCount) }, input, kernel, rest.slice(0, stateCount));
    statistics = result.statistics;
    const value = tf.concat([...(result.outputs === null ? [] : [result.outputs]), ...result.states], 0);
    packed = value.dataSync() as Float32Array;
    return tf.sum(tf.mul(value, v.weights));
  })([v.input, v.kernel, ...v.initial, ...call.params]);
  return { packed, gradients: gradients.map((gradient) => gradient.dataSync() as Float32Array), statistics: flatStatistics(statistics) };
}

/** The fused loops in JavaScript, called directly on the same values. */
function throughJavaScript(call: FusedCall, v: Values): Outcome {
  const values = (mask: tf.Tensor | number | null) => (mask === null ? null : typeof mask === 'number' ? Float32Array.of(mask) : (mask.dataSync() as Float32Array));
  const args: FusedArgs = {
    ...{ steps: call.steps, batch: call.batch, units: call.units, keepOutputs: call.keepOutputs, record: true },
    ...{ gateActivation: call.gateActivation, forgetConstant: call.forgetConstant, resetAfter: call.resetAfter, sites: call.sites },
    params: call.params.map((param) => param.dataSync() as Float32Array),
    input: v.input.dataSync() as Float32Array,
    recurrentKernel: v.kernel,
    initial: v.initial.map((state) => state.dataSync() as Float32Array),
    mask: values(call.mask),
    recurrentMask: values(call.recurrentMask),
    stepMasks: { candidate: values(call.stepMasks.candidate), zoneoutCell: values(call.stepMasks.zoneoutCell), zoneoutHidden: values(call.stepMasks.zoneoutHidden) },
  };
  const run = call.cell.run(args);
  const gradients = run.backward(v.weights.dataSync() as Float32Array);
  return { packed: run.packed, gradients: [gradients.input, gradients.recurrentKernel, ...gradients.initial, ...gradients.params], statistics: flatStatistics(run.statistics) };
}

/**
 * Float32 rounding: each element within `tolerance` (1e-5) of the larger of its magnitude and the array's
 * typical one. With a norm inside the loop, 3e-5: the norm's Jacobian divides by the row's σ, which is
 * small on these 6-unit rows, and so magnifies the compiled exp's 3e-7 error (the worst case, a hidden
 * layer norm, differs by 1.3–2.3e-5 in dP whether the norm kernel computes in float32 or float64). With
 * several norms, 5e-5: their Jacobians compound, the more so where candidate dropout zeroes some of a row
 * (smaller σ at the hidden norm); the worst measured, dP of a reset-first GRU with recurrent, gates and
 * hidden layer norms under candidate dropout, 3.2e-5, while its packed value stays within 2.3e-6. With a
 * batch norm, 1e-4: its statistics over 3 to 6 examples make these cases ill-conditioned. Measured, the
 * JavaScript loops' own outputs and gradients move by up to 5e-5 (relative, as here) when P is perturbed by
 * one float32 rounding (a random relative 1.2e-7), and the heap path differs from them by up to 4.5e-5.
 * The GRU's and simple RNN's batch-norm cases, 4e-4: three of them are worse conditioned still. A reset-after
 * GRU with input, recurrent and hidden batch norms over the padded batch moves by 3.0e-4 under that perturbation
 * of P (the heap path differs by 3.6e-4); a simple RNN with a batch norm at every site, and one with RMS,
 * batch and layer norms, both under every dropout form and padding, move by 8.3e-5 and 7.1e-5 when each
 * activation's value in the JavaScript loops is perturbed by a random relative 3e-7 (the compiled exp's error),
 * and the heap path differs by 1.2e-4 and 2.0e-4. Every other case of theirs stays within 6.4e-5. (Checked by
 * hand: with the batch norm's x̂ ⊙ Σ(g ⊙ x̂) term left out of dx, every batch-norm case fails.)
 */
function expectRounding(actual: Float32Array, expected: Float32Array, label: string, tolerance: number): void {
  expect(actual.length, label).toBe(expected.length);
  const scale = Math.sqrt(expected.reduce((sum, value) => sum + value * value, 0) / Math.max(1, expected.length));
  expect(scale, `${label} is not all zeros`).toBeGreaterThan(0);
  let worst = { error: 0, at: -1 };
  expected.forEach((value, i) => {
    const error = Math.abs(actual[i] - value) / Math.max(Math.abs(value), scale);
    if (!(error <= worst.error)) worst = { error, at: i };
  });
  expect(worst.error, `${label}: worst relative error at ${worst.at}`).toBeLessThanOrEqual(tolerance);
}

describe('heap training path on wasm', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  const normsName = (c: Case) => (c.norms.length === 0 ? '' : ` (${c.norms.map((norm) => `${norm.kind} ${norm.site}${norm.groups === 'all' ? '' : ` ${norm.groups}`}${norm.carry ? ' carried' : ''}`).join(', ')})`);
  it.each(CASES.map((c) => [`${c.cell.name}${normsName(c)}, ${c.gateActivation}, dropout ${c.dropout}${c.masked ? ', masked' : ''}${c.keepOutputs ? '' : ', final states only'}`, c] as const))(
    '%s: taken, and equal to the JavaScript loops',
    (_, c) => {
      const call = callOf(c);
      expect(heapTrainingSupports(call)).toBe(true);
      const v = valuesOf(c, call);
      const before = { ...heapTrainingCounts };
      const heap = throughOp(call, v);
      expect(heapTrainingCounts).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
      const reference = throughJavaScript(call, v);
      const batchNorm = c.norms.some((norm) => norm.kind === 'batch');
      const tolerance = c.norms.length === 0 ? 1e-5 : batchNorm ? (c.cell.kind === 'lstm' ? 1e-4 : 4e-4) : c.norms.length === 1 ? 3e-5 : 5e-5;
      expectRounding(heap.packed, reference.packed, 'packed value', tolerance);
      const labels = ['dP', 'dU', ...Array.from({ length: c.cell.states }, (_, s) => `d state ${s}`), ...call.params.map((_, p) => `d param ${p}`)];
      expect(reference.gradients.length).toBe(labels.length);
      labels.forEach((label, i) => expectRounding(heap.gradients[i], reference.gradients[i], label, tolerance));
      // One entry per span of a batch-normalized site, as the cell's facts cut the site.
      const spans = (norm: NormIR) => siteSpans(c.cell.kind, norm.site, c.cell.resetAfter).map((span) => `${norm.site} from ${span.first * UNITS}`);
      const batchSites = c.norms.filter((norm) => norm.kind === 'batch').flatMap(spans);
      expect([...reference.statistics.keys()]).toEqual(batchSites);
      expect([...heap.statistics.keys()]).toEqual(batchSites);
      for (const site of batchSites) expectRounding(heap.statistics.get(site) as Float32Array, reference.statistics.get(site) as Float32Array, `${site} statistics`, tolerance);
    },
  );

  it('takes only the loop a descriptor declares: the same call without it runs the JavaScript loops', () => {
    const c = CASES.find((candidate) => candidate.cell.kind === 'gru' && candidate.norms.length > 0) as Case;
    const call = callOf(c);
    expect(heapTrainingSupports(call)).toBe(true);
    const undeclared = { ...call, heapTraining: null };
    expect(heapTrainingSupports(undeclared)).toBe(false);
    const before = { ...heapTrainingCounts };
    throughOp(undeclared, valuesOf(c, undeclared));
    expect(heapTrainingCounts).toEqual(before);
  });

  it('covers batch norm in every normalized loop, but not with population statistics (its kernels normalize with the batch statistics)', () => {
    const withBatchNorm = (cell: Case['cell']): Case => ({ cell, gateActivation: 'sigmoid', dropout: 'none', masked: false, keepOutputs: true, norms: [makeNorm('recurrent', 'batch')], batch: BN_BATCH });
    for (const cell of [NORMALIZED_LSTM, NORMALIZED_GRU_FIRST, NORMALIZED_GRU_AFTER, NORMALIZED_RNN]) {
      const call = callOf(withBatchNorm(cell));
      expect(heapTrainingSupports(call), cell.name).toBe(true);
      const population = { mean: new Float32Array(cell.blocks * UNITS), variance: new Float32Array(cell.blocks * UNITS).fill(1) };
      expect(heapTrainingSupports({ ...call, sites: call.sites.map((site) => ({ ...site, population })) }), `${cell.name} with population statistics`).toBe(false);
    }
  });

  it.each([
    ['a BN-LSTM layer (Cooijmans et al.)', 'lstm', false, [makeNorm('input', 'batch', { center: false }), makeNorm('recurrent', 'batch', { center: false }), makeNorm('cell', 'batch')]],
    // (Sets whose every statistic is more than rounding noise: a batch norm's batch mean is its β, 0 here, so a
    // site fed only by batch-normalized values without β, h·U after a hidden batch norm say, has means of ~1e-9.)
    ['a BN-GRU layer (reset first, input and recurrent)', 'gru', false, [makeNorm('input', 'batch', { center: false }), makeNorm('recurrent', 'batch', { center: false })]],
    ['a BN-GRU layer (reset after, gates and hidden)', 'gru', true, [makeNorm('gates', 'batch'), makeNorm('hidden', 'batch')]],
    ['a BN simple RNN layer (input and gates)', 'rnn', false, [makeNorm('input', 'batch', { center: false }), makeNorm('gates', 'batch')]],
  ] as const)('%s trained on wasm takes the heap path, and its population statistics move as on the JavaScript loops', async (_, cell, resetAfter, norms) => {
    const config = layerConfig(plainConfig(cell, UNITS, { norms: [...norms], resetAfter, returnSequences: true }), { seed: 3 });
    const x = tf.randomNormal([BN_BATCH, STEPS, 4], 0, 1, 'float32', 7);
    /** The layer's weights after one training call (the population statistics move; nothing else does without an optimizer). */
    const trained = (): { names: string[]; values: Float32Array[] } => {
      const layer = new SeqnetRecurrent(config);
      layer.apply(x);
      tf.tidy(() => Object.values(tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor)).grads).forEach((g) => g.dataSync()));
      return { names: layer.weights.map((weight) => weight.name), values: layer.getWeights().map((weight) => Float32Array.from(weight.dataSync())) };
    };
    const before = { ...heapTrainingCounts };
    const onHeap = trained();
    expect(heapTrainingCounts).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
    await tf.setBackend('cpu');
    const onJavaScript = trained();
    await tf.setBackend('wasm');
    const { names } = onHeap;
    const moving = names.flatMap((name, w) => (name.includes('moving_') ? [w] : []));
    expect(moving.length).toBe(2 * norms.length);
    for (const w of moving) {
      expect(onHeap.values[w].some((value) => value !== 0 && value !== 1), `${names[w]} moved`).toBe(true);
      expectRounding(onHeap.values[w], onJavaScript.values[w], names[w], 1e-5);
    }
  });

  it.each([
    ['a plain LSTM', 'lstm', []],
    ['a layer-normalized GRU', 'gru', [makeNorm('recurrent', 'layer'), makeNorm('gates', 'layer', { groups: 'per_gate' }), makeNorm('hidden', 'layer')]],
    ['an RMS-normalized simple RNN', 'rnn', [makeNorm('gates', 'rms'), makeNorm('hidden', 'rms')]],
  ] as const)('%s layer trained on wasm takes the heap path, and frees what it recorded', (_, cell, norms) => {
    const config = layerConfig(plainConfig(cell, UNITS, { norms: [...norms], returnSequences: true }), { seed: 3 });
    const layer = new SeqnetRecurrent(config);
    const x = tf.randomNormal([BATCH, STEPS, 4], 0, 1, 'float32', 7);
    layer.apply(x);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const step = () => tf.tidy(() => Object.values(tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor)).grads).forEach((g) => g.dataSync()));
    step();
    const [before, ids] = [{ ...heapTrainingCounts }, backend.numDataIds()];
    step();
    expect(heapTrainingCounts).toEqual({ forward: before.forward + 1, backward: before.backward + 1 });
    expect(backend.numDataIds()).toBe(ids);
    // In training mode without a tape no backward pass follows: the recording is freed right away.
    tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync());
    expect(heapTrainingCounts).toEqual({ forward: before.forward + 2, backward: before.backward + 1 });
    expect(backend.numDataIds()).toBe(ids);
  });
});
