/**
 * The inference loop on the wasm heap (see `heap.ts` for why). The input is laid out `[steps, features,
 * batch]` once, so that step t is a view; each step projects it (`Wᵀ·x_t`) and runs the column cell of
 * `cells.ts` through direct kernel calls. Every input norm runs inside the loop here: per example and step
 * (or with population statistics), it is a column norm like the others.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormSite } from '../../../ir/types.js';
import type { SeqnetRecurrentConfig } from '../config.js';
import { CANDIDATE_GATE, siteGates } from '../config.js';
import { groupIdsFor } from '../norms/grouping.js';
import type { NormWeights } from '../norms/types.js';
import { COLUMN_CELLS } from './cells.js';
import type { ColumnCellCall } from './cells.js';
import type { HeapOps, HeapTensor } from './heap.js';
import { COLUMN_NORMS } from './norms.js';
import type { ColumnNorm } from './norms.js';

/** Whether the heap loop implements this config (it is only ever asked at inference on wasm). */
export function heapLoopSupports(config: SeqnetRecurrentConfig): boolean {
  const gatesOk = config.cell === 'rnn' || config.recurrentActivation === 'sigmoid';
  return config.activation === 'tanh' && gatesOk && config.norms.every((norm) => COLUMN_NORMS[norm.kind] !== undefined);
}

export interface HeapDirectionInput {
  steps: number;
  batch: number;
  units: number;
  /** `[batch, steps, features]` in processing order. */
  x: tf.Tensor;
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
  recurrentKernel: tf.Tensor;
  norms: NormWeights[];
  /** `[steps·batch, 1]` validity, or null. */
  mask: tf.Tensor | null;
  /** `[batch, u]` each. */
  initial: tf.Tensor[];
  keepOutputs: boolean;
}

/** Row factors over the gate width: 2 on the candidate's rows (tanh(x) = 2σ(2x) − 1), 1 elsewhere. */
function candidateRowScale(config: SeqnetRecurrentConfig): Float32Array {
  const gates = siteGates('input', config.cell);
  const rowScale = new Float32Array(gates * config.units).fill(1);
  const candidate = gates === 1 ? 0 : CANDIDATE_GATE[config.cell];
  return rowScale.fill(2, candidate * config.units, (candidate + 1) * config.units);
}

/** The bias with the LSTM's constant forget bias added (zeros when the layer has no bias). */
function effectiveBias(config: SeqnetRecurrentConfig, bias: tf.Tensor | null, width: number): Float32Array {
  const values = bias === null ? new Float32Array(width) : (bias.dataSync() as Float32Array).slice();
  if (config.cell === 'lstm') for (let j = 0; j < config.units; j += 1) values[config.units + j] += config.forgetBias.constant;
  return values;
}

/**
 * Where the bias and the candidate's factor 2 go: into the last affine map before the gate nonlinearity.
 * With a gates norm, its output affine takes both. Otherwise the input side takes the bias and the factor
 * (the input norm's affine, or the input kernel with the bias as an extra column against a row of ones),
 * and the recurrent side the factor (the recurrent norm's affine, or the rows of `Uᵀ`).
 */
interface Folding {
  rowScale: Float32Array;
  bias: Float32Array;
  /** Sites whose norm's output affine takes the factor, and which of them takes the bias. */
  scaledSites: ReadonlySet<NormSite>;
  biasSite: NormSite | null;
  inputKernelCarries: boolean;
  recurrentKernelCarries: boolean;
}

function folding(config: SeqnetRecurrentConfig, norms: NormWeights[], bias: Float32Array): Folding {
  const rowScale = candidateRowScale(config);
  const has = (site: NormSite) => norms.some((norm) => norm.site === site);
  if (has('gates')) return { rowScale, bias, scaledSites: new Set(['gates']), biasSite: 'gates', inputKernelCarries: false, recurrentKernelCarries: false };
  return {
    rowScale,
    bias,
    scaledSites: new Set(['input', 'recurrent']),
    biasSite: has('input') ? 'input' : null,
    inputKernelCarries: !has('input'),
    recurrentKernelCarries: !has('recurrent'),
  };
}

/** The norm of a site span, built on first use and kept for the call (the identity where there is none). */
function normLookup(ops: HeapOps, config: SeqnetRecurrentConfig, norms: NormWeights[], fold: Folding): ColumnCellCall['norm'] {
  const cache = new Map<string, ColumnNorm>();
  // Spans are built on first use, inside a step; their constants must outlive it.
  const callScope = ops.currentScope();
  const identity: ColumnNorm = (value) => value;
  return (site, first = 0, count = siteGates(site, config.cell)) => {
    const key = `${site}:${first}:${count}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const weights = norms.find((norm) => norm.site === site);
    let norm = identity;
    if (weights !== undefined) {
      const factory = COLUMN_NORMS[weights.norm.kind];
      if (factory === undefined) throw new Error(`SeqnetRecurrent: no heap form of ${weights.norm.kind} norm`);
      const gates = siteGates(site, config.cell);
      const rows = [first * config.units, (first + count) * config.units] as const;
      const affine = {
        scale: fold.scaledSites.has(site) ? fold.rowScale.slice(...rows) : null,
        shift: fold.biasSite === site ? fold.bias.slice(...rows) : null,
      };
      const groupIds = groupIdsFor(weights.norm.groups, first, count, gates === 1 ? -1 : CANDIDATE_GATE[config.cell]);
      norm = ops.within(callScope, () => factory({ ops, weights, units: config.units, groupIds, firstColumn: rows[0], affine }));
    }
    cache.set(key, norm);
    return norm;
  };
}

/**
 * `Wᵀ` `[G·u, features]` and the input `[steps, features, batch]`; when the input kernel carries the bias and
 * the factor, the bias is an extra column of `Wᵀ` and the input an extra row of ones.
 */
function inputColumns(input: HeapDirectionInput, fold: Folding): { kernel: tf.Tensor; columns: tf.Tensor } {
  const width = fold.rowScale.length;
  const columns = tf.transpose(input.x, [1, 2, 0]);
  if (!fold.inputKernelCarries) return { kernel: tf.transpose(input.kernel), columns };
  const withBias = tf.concat([tf.transpose(input.kernel), tf.tensor2d(fold.bias, [width, 1])], 1);
  return { kernel: tf.mul(withBias, tf.tensor2d(fold.rowScale, [width, 1])), columns: tf.concat([columns, tf.ones([input.steps, 1, input.batch])], 1) };
}

/** Runs one direction; returns outputs `[batch, steps, u]` (or null) and the final states `[batch, u]`. */
export function runHeapDirection(ops: HeapOps, config: SeqnetRecurrentConfig, input: HeapDirectionInput): { outputs: tf.Tensor | null; states: tf.Tensor[] } {
  const { steps, batch, units } = input;
  const width = siteGates('input', config.cell) * units;
  const fold = folding(config, input.norms, effectiveBias(config, input.bias, width));
  const result = tf.tidy(() => {
    const { kernel: inputKernel, columns } = inputColumns(input, fold);
    const rowsPerStep = columns.shape[1] as number;
    const transposedKernel = tf.transpose(input.recurrentKernel);
    const recurrentKernel = fold.recurrentKernelCarries ? tf.mul(transposedKernel, tf.tensor2d(fold.rowScale, [width, 1])) : transposedKernel;
    const maskColumns = input.mask === null ? null : tf.reshape(input.mask, [steps, 1, batch]);
    const initial = input.initial.map((state) => tf.transpose(state));
    const outputValues = input.keepOutputs ? new Float32Array(steps * units * batch) : null;
    let finalStates: tf.Tensor[] = [];
    ops.step(() => {
      const constant = (value: number) => ops.fromValues(Float32Array.of(value), [1, 1]);
      const probability = (rate: number | undefined) => (rate === undefined || rate === 0 ? null : constant(rate));
      const step = COLUMN_CELLS[config.cell].create({
        ops,
        units,
        recurrentKernel,
        norm: normLookup(ops, config, input.norms, fold),
        one: constant(1),
        two: constant(2),
        zoneout: { cell: probability(config.dropout.zoneout?.cell), hidden: probability(config.dropout.zoneout?.hidden) },
        carryNormalized: input.norms.some((norm) => norm.site === 'cell' && norm.norm.carry),
        resetAfter: config.resetAfter,
      });
      let current: HeapTensor[] = initial;
      for (let t = 0; t < steps; t += 1) {
        const next = ops.step(() => {
          const projected = ops.matMul(inputKernel, ops.view(columns, t * rowsPerStep * batch, [rowsPerStep, batch]));
          const stepStates = step(t, projected, current);
          const valid = maskColumns === null ? null : ops.view(maskColumns, t * batch, [1, batch]);
          if (valid === null) {
            if (outputValues !== null) outputValues.set(ops.floats(stepStates[0]), t * units * batch);
            return stepStates;
          }
          // Padded steps carry the state unchanged and output zeros.
          if (outputValues !== null) outputValues.set(ops.floats(ops.mul(stepStates[0], valid)), t * units * batch);
          return stepStates.map((state, k) => ops.add(current[k], ops.mul(valid, ops.sub(state, current[k]))));
        });
        // The previous step's states are the loop's own (step 0's are tfjs tensors, never released here).
        if (t > 0) current.forEach((state) => ops.release(state));
        current = next;
      }
      finalStates = current.map((state) => tf.transpose(ops.toTensor(state, [units, batch])));
      if (steps > 0) current.forEach((state) => ops.release(state));
      return [];
    });
    const outputs = outputValues === null ? [] : [tf.transpose(tf.tensor3d(outputValues, [steps, units, batch]), [2, 0, 1])];
    return { outputs, states: finalStates };
  });
  return { outputs: result.outputs[0] ?? null, states: result.states };
}
