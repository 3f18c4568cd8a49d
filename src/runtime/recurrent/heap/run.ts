/**
 * The inference loop on the wasm heap (see `heap.ts` for why): buffers made once per call; the input term
 * `N_in(x·W)` of a chunk of steps at a time (one matmul over `[steps·batch, features]` and the input norm
 * on all its rows: at inference every norm kind is per step and example, so it vectorizes over time); then
 * per step the cell of `cells.ts`: the recurrent matmul and one compiled kernel, which also applies the
 * mask and writes the step's outputs straight into `[batch, steps, u]`.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormSite } from '../../../ir/types.js';
import { candidateAt, CELL_FACTS, hasGates, siteBlocks, siteSpans } from '../../../variants/index.js';
import type { GateSpan } from '../../../variants/index.js';
import { cellDescriptor } from '../cells/registry.js';
import type { CellDescriptor } from '../cells/registry.js';
import type { SeqnetRecurrentConfig } from '../config.js';
import { groupIdsFor } from '../norms/grouping.js';
import type { NormWeights } from '../norms/types.js';
import { ACTIVATION_CODES, activationCode, writeCell } from './cells.js';
import type { HeapCell, HeapStep } from './cells.js';
import type { HeapKernels } from './heap.js';
import { hasInferenceForm, writeNorm } from './norms.js';

/**
 * Whether the heap loop accelerates this config (it is only ever asked at inference on wasm): the cell's
 * descriptor has a heap step, every norm kind an inference form, and the kernels compute its activations.
 * Anything else is declined and runs on the step loop. The descriptor is a parameter so that a test can show
 * what is declined.
 */
export function heapLoopSupports(config: SeqnetRecurrentConfig, cell: CellDescriptor = cellDescriptor(config.cell)): boolean {
  if (cell.heap === undefined) return false;
  const computed = (activation: SeqnetRecurrentConfig['activation']) => activationCode(activation) !== undefined;
  const gatesOk = !hasGates(config.cell) || computed(config.recurrentActivation);
  return computed(config.activation) && gatesOk && config.norms.every((norm) => hasInferenceForm(norm.kind));
}

/** The cell's heap step; `heapLoopSupports` has made sure there is one. */
function heapCell(config: SeqnetRecurrentConfig): HeapCell {
  const heap = cellDescriptor(config.cell).heap;
  if (heap === undefined) throw new Error(`SeqnetRecurrent: the heap loop has no ${config.cell} cell`);
  return heap;
}

function requiredCode(activation: SeqnetRecurrentConfig['activation']): number {
  const code = activationCode(activation);
  if (code === undefined) throw new Error(`SeqnetRecurrent: the heap loop does not compute ${activation}`);
  return code;
}

export interface HeapDirectionInput {
  /** `[batch, steps, features]` in processing order (the call's sizes come from its shape). */
  x: tf.Tensor;
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
  recurrentKernel: tf.Tensor;
  norms: NormWeights[];
  /** `[steps, batch]` validity (1 or 0), time-major, or null. */
  mask: tf.Tensor | null;
  /** `[batch, u]` each, or null for zeros. */
  initial: tf.Tensor[] | null;
  keepOutputs: boolean;
}

/** Steps whose input term is computed together: bounds the buffer to `CHUNK_STEPS·batch·G·u` floats. */
const CHUNK_STEPS = 32;

/** The bias with the constant forget bias added (on the forget gate's block); null when there is neither. */
function effectiveBias(config: SeqnetRecurrentConfig, bias: tf.Tensor | null): Float32Array | null {
  const { forgetGate, gates } = CELL_FACTS[config.cell];
  const constant = forgetGate === null ? 0 : config.forgetBias.constant;
  if (bias === null && constant === 0) return null;
  const values = bias === null ? new Float32Array(gates.length * config.units) : (bias.dataSync() as Float32Array).slice();
  const first = (forgetGate ?? 0) * config.units;
  for (let j = 0; j < config.units; j += 1) values[first + j] += constant;
  return values;
}

/** Whether the reset gate acts after the recurrent product (only where the cell has that choice). */
function resetAfter(config: SeqnetRecurrentConfig): boolean {
  return CELL_FACTS[config.cell].resetChoice && config.resetAfter;
}

/** The `Norm` struct of a span of a site's gate blocks (all of them by default), 0 for none. */
function normSpan(kernels: HeapKernels, config: SeqnetRecurrentConfig, norms: NormWeights[], site: NormSite, span?: GateSpan): number {
  const weights = norms.find((norm) => norm.site === site);
  if (weights === undefined) return 0;
  const { first, count } = span ?? { first: 0, count: siteBlocks(config.cell, site) };
  return writeNorm(kernels, weights, groupIdsFor(weights.norm.groups, first, count, candidateAt(config.cell, site)), config.units, first * config.units);
}

/**
 * The norm spans the cell kernels take, as the cell's facts cut each site (`siteSpans`): a whole site, or its
 * gates and then its candidate (the GRU's `gates`, and its `recurrent` with the reset gate first), since the
 * candidate depends on r.
 */
function cellNorms(kernels: HeapKernels, config: SeqnetRecurrentConfig, norms: NormWeights[]) {
  const spans = (site: 'recurrent' | 'gates') => {
    const [gates, candidate] = siteSpans(config.cell, site, resetAfter(config));
    return [normSpan(kernels, config, norms, site, gates), candidate === undefined ? 0 : normSpan(kernels, config, norms, site, candidate)];
  };
  const [recurrentNorm, candidateRecurrentNorm] = spans('recurrent');
  const [gatesNorm, candidateGatesNorm] = spans('gates');
  return { recurrentNorm, candidateRecurrentNorm, gatesNorm, candidateGatesNorm, cellNorm: normSpan(kernels, config, norms, 'cell'), hiddenNorm: normSpan(kernels, config, norms, 'hidden') };
}

/** The cell's step for this call: its `Cell` struct written, its recurrent kernel(s) on the heap. */
function createStep(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput, outputStride: number): HeapStep {
  const units = config.units;
  const cell = writeCell(kernels, {
    batch: input.x.shape[0],
    units,
    activation: requiredCode(config.activation),
    gateActivation: hasGates(config.cell) ? requiredCode(config.recurrentActivation) : ACTIVATION_CODES.sigmoid,
    resetAfter: resetAfter(config),
    carryNormalized: input.norms.some((norm) => norm.site === 'cell' && norm.norm.carry),
    bias: effectiveBias(config, input.bias),
    ...cellNorms(kernels, config, input.norms),
    zoneoutHidden: config.dropout.zoneout?.hidden ?? 0,
    zoneoutCell: config.dropout.zoneout?.cell ?? 0,
    outputStride,
  });
  // A recurrent site in spans (the GRU with the reset gate first) is two products: h by U's z, r columns, and
  // r ⊙ h by its candidate columns.
  const recurrentSpans = siteSpans(config.cell, 'recurrent', resetAfter(config));
  const parts = recurrentSpans.length > 1 ? tf.split(input.recurrentKernel, recurrentSpans.map((span) => span.count * units), 1) : null;
  return heapCell(config).create({
    kernels,
    cell,
    batch: input.x.shape[0],
    units,
    recurrentKernel: kernels.tensor(input.recurrentKernel),
    recurrentKernelParts: parts === null ? null : { gates: kernels.tensor(parts[0]), candidate: kernels.tensor(parts[1]) },
  });
}

/** Runs one direction; returns outputs `[batch, steps, u]` (or null) and the final states `[batch, u]`. */
export function runHeapDirection(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput): { outputs: tf.Tensor | null; states: tf.Tensor[] } {
  const [batch, steps] = input.x.shape;
  const { units } = config;
  const result = tf.tidy(() => {
    const outputs = input.keepOutputs ? kernels.buffer([batch, steps, units]) : null;
    const step = createStep(kernels, config, input, steps * units);
    const mask = input.mask === null ? null : kernels.tensor(input.mask);
    const states = CELL_FACTS[config.cell].states.map((_, k) =>
      kernels.constant(input.initial === null ? new Float32Array(batch * units) : (input.initial[k].dataSync() as Float32Array), [batch, units]),
    );
    forEachInputTerm(kernels, config, input, (t, inputTerm) => {
      const stepMask = mask === null ? 0 : kernels.address(mask, t * batch);
      step(t, inputTerm, states, stepMask, outputs === null ? 0 : kernels.address(outputs, t * units));
    });
    const finalStates = states.map((state) => tf.tensor2d(kernels.floats(state).slice(), [batch, units]));
    return { outputs: outputs === null ? [] : [tf.tensor3d(kernels.floats(outputs).slice(), [batch, steps, units])], states: finalStates };
  });
  return { outputs: result.outputs[0] ?? null, states: result.states };
}

/**
 * Calls `body` for every step in order with the address of its input term `N_in(x_t·W)` `[batch, G·u]`,
 * computed a chunk of steps at a time: one matmul over `[chunk·batch, features]`, then the input norm on all
 * its rows.
 */
function forEachInputTerm(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput, body: (t: number, inputTerm: number) => void): void {
  const [batch, steps, features] = input.x.shape as [number, number, number];
  const width = siteBlocks(config.cell, 'input') * config.units;
  const timeMajor = kernels.tensor(tf.transpose(input.x, [1, 0, 2]));
  const inputKernel = kernels.tensor(input.kernel);
  const inputNorm = normSpan(kernels, config, input.norms, 'input');
  const projection = kernels.buffer([Math.min(CHUNK_STEPS, steps) * batch, width]);
  for (let first = 0; first < steps; first += CHUNK_STEPS) {
    const chunk = Math.min(CHUNK_STEPS, steps - first);
    const rows = kernels.view(projection, 0, [chunk * batch, width]);
    kernels.matMul(rows, kernels.view(timeMajor, first * batch * features, [chunk * batch, features]), inputKernel);
    if (inputNorm !== 0) kernels.cells.normalizeRows(inputNorm, kernels.address(rows), chunk * batch, batch, config.units, first);
    for (let t = first; t < first + chunk; t += 1) body(t, kernels.address(rows, (t - first) * batch * width));
  }
}
