/**
 * The inference loop on the wasm heap (see `heap.ts` for why): buffers made once per call; the input term
 * `N_in(x·W)` of a chunk of steps at a time (one matmul over `[steps·batch, features]` and the input norm
 * on all its rows: at inference every norm kind is per step and example, so it vectorizes over time); then
 * per step the cell of `cells.ts` and the mask, all as direct kernel calls.
 */
import * as tf from '@tensorflow/tfjs';
import type { NormSite } from '../../../ir/types.js';
import type { SeqnetRecurrentConfig } from '../config.js';
import { CANDIDATE_GATE, siteGates } from '../config.js';
import { groupIdsFor } from '../norms/grouping.js';
import type { NormWeights } from '../norms/types.js';
import { HEAP_CELLS, identityNorm } from './cells.js';
import type { HeapBuffer, HeapKernels } from './heap.js';
import { HEAP_NORMS } from './norms.js';
import type { HeapNorm } from './norms.js';

/** Whether the heap loop implements this config (it is only ever asked at inference on wasm). */
export function heapLoopSupports(config: SeqnetRecurrentConfig): boolean {
  const gatesOk = config.cell === 'rnn' || config.recurrentActivation === 'sigmoid';
  return config.activation === 'tanh' && gatesOk && config.norms.every((norm) => HEAP_NORMS[norm.kind] !== undefined);
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
 * (the input norm's affine, or the input kernel with the bias as an extra row, against a column of ones in
 * the input), and the recurrent side the factor (the recurrent norm's affine, or the columns of `U`).
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

/** Steps whose input term is computed together: bounds the buffer to `CHUNK_STEPS·batch·G·u` floats. */
const CHUNK_STEPS = 32;

type NormLookup = (site: NormSite, first?: number, count?: number, steps?: number) => HeapNorm;

/**
 * The norm of a site span for values of `steps` steps, built on first use and kept for the call (the
 * identity where there is none).
 */
function normLookup(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput, fold: Folding): NormLookup {
  const cache = new Map<string, HeapNorm>();
  return (site, first = 0, count = siteGates(site, config.cell), steps = 1) => {
    const key = `${site}:${first}:${count}:${steps}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const weights = input.norms.find((norm) => norm.site === site);
    let norm = identityNorm;
    if (weights !== undefined) {
      const factory = HEAP_NORMS[weights.norm.kind];
      if (factory === undefined) throw new Error(`SeqnetRecurrent: no heap form of ${weights.norm.kind} norm`);
      const gates = siteGates(site, config.cell);
      const columns = [first * config.units, (first + count) * config.units] as const;
      const affine = {
        scale: fold.scaledSites.has(site) ? fold.rowScale.slice(...columns) : null,
        shift: fold.biasSite === site ? fold.bias.slice(...columns) : null,
      };
      const groupIds = groupIdsFor(weights.norm.groups, first, count, gates === 1 ? -1 : CANDIDATE_GATE[config.cell]);
      norm = factory({ kernels, weights, batch: input.x.shape[0], steps, units: config.units, groupIds, firstColumn: columns[0], affine });
    }
    cache.set(key, norm);
    return norm;
  };
}

/** The weights as the loop uses them (see `Folding`), as tfjs tensors of this call. */
function foldedWeights(config: SeqnetRecurrentConfig, input: HeapDirectionInput, fold: Folding) {
  const width = fold.rowScale.length;
  const scale = tf.tensor2d(fold.rowScale, [1, width]);
  const inputKernel = fold.inputKernelCarries ? tf.mul(tf.concat([input.kernel, tf.tensor2d(fold.bias, [1, width])], 0), scale) : input.kernel;
  const recurrentKernel = fold.recurrentKernelCarries ? tf.mul(input.recurrentKernel, scale) : input.recurrentKernel;
  const resetFirst = config.cell === 'gru' && !config.resetAfter;
  const parts = resetFirst ? tf.split(recurrentKernel, [2 * config.units, config.units], 1) : null;
  // Time-major input, with a column of ones when the input kernel carries the bias.
  const timeMajor = tf.transpose(input.x, [1, 0, 2]);
  const [batch, steps] = input.x.shape;
  const x = fold.inputKernelCarries ? tf.concat([timeMajor, tf.ones([steps, batch, 1])], 2) : timeMajor;
  return { inputKernel, recurrentKernel, parts, x };
}

/** The cell's step function for this call, with its constants and norms on the heap. */
function createStep(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput, norms: NormLookup, weights: ReturnType<typeof foldedWeights>) {
  const constant = (value: number) => kernels.constant(Float32Array.of(value), [1, 1]);
  const probability = (rate: number | undefined) => (rate === undefined || rate === 0 ? null : constant(rate));
  return HEAP_CELLS[config.cell].create({
    kernels,
    batch: input.x.shape[0],
    units: config.units,
    recurrentKernel: kernels.tensor(weights.recurrentKernel),
    recurrentKernelParts: weights.parts === null ? null : { gates: kernels.tensor(weights.parts[0]), candidate: kernels.tensor(weights.parts[1]) },
    norm: (site, first, count) => norms(site, first, count),
    one: constant(1),
    two: constant(2),
    zoneout: { cell: probability(config.dropout.zoneout?.cell), hidden: probability(config.dropout.zoneout?.hidden) },
    carryNormalized: input.norms.some((norm) => norm.site === 'cell' && norm.norm.carry),
  });
}

/** Runs one direction; returns outputs `[batch, steps, u]` (or null) and the final states `[batch, u]`. */
export function runHeapDirection(kernels: HeapKernels, config: SeqnetRecurrentConfig, input: HeapDirectionInput): { outputs: tf.Tensor | null; states: tf.Tensor[] } {
  const [batch, steps] = input.x.shape;
  const { units } = config;
  const width = siteGates('input', config.cell) * units;
  const fold = folding(config, input.norms, effectiveBias(config, input.bias, width));
  const result = tf.tidy(() => {
    const weights = foldedWeights(config, input, fold);
    const norms = normLookup(kernels, config, input, fold);
    const step = createStep(kernels, config, input, norms, weights);
    const size = batch * units;
    const features = weights.x.shape[2] as number;
    const [x, inputKernel] = [kernels.tensor(weights.x), kernels.tensor(weights.inputKernel)];
    const mask = input.mask === null ? null : kernels.tensor(input.mask);
    const [stepInput, valid] = [kernels.buffer([batch, width]), kernels.buffer([batch, 1])];
    const [difference, output] = [kernels.buffer([batch, units]), kernels.buffer([batch, units])];
    const projections = new Map<number, HeapBuffer>();
    const states = Array.from({ length: HEAP_CELLS[config.cell].stateCount }, (_, k) =>
      kernels.constant(input.initial === null ? new Float32Array(size) : (input.initial[k].dataSync() as Float32Array), [batch, units]),
    );
    const outputValues = input.keepOutputs ? new Float32Array(steps * size) : null;
    for (let first = 0; first < steps; first += CHUNK_STEPS) {
      const chunk = Math.min(CHUNK_STEPS, steps - first);
      let projection = projections.get(chunk);
      if (projection === undefined) projections.set(chunk, (projection = kernels.buffer([chunk * batch, width])));
      const chunkInput = kernels.view(x, first * batch * features, [chunk * batch, features]);
      const inputTerm = norms('input', 0, undefined, chunk)(kernels.matMul(projection, chunkInput, inputKernel), first);
      for (let t = first; t < first + chunk; t += 1) {
        kernels.copy(stepInput, 0, inputTerm, (t - first) * batch * width, batch * width);
        const next = step(t, stepInput, states);
        let out = next[0];
        if (mask === null) {
          next.forEach((state, k) => kernels.copy(states[k], 0, state, 0, size));
        } else {
          // Padded steps carry the state unchanged and output zeros.
          kernels.copy(valid, 0, mask, t * batch, batch);
          out = kernels.mul(output, next[0], valid);
          next.forEach((state, k) => kernels.add(states[k], states[k], kernels.mul(difference, valid, kernels.sub(difference, state, states[k]))));
        }
        if (outputValues !== null) outputValues.set(kernels.floats(out), t * size);
      }
    }
    const finalStates = states.map((state) => tf.tensor2d(kernels.floats(state).slice(), [batch, units]));
    const outputs = outputValues === null ? [] : [tf.transpose(tf.tensor3d(outputValues, [steps, batch, units]), [1, 0, 2])];
    return { outputs, states: finalStates };
  });
  return { outputs: result.outputs[0] ?? null, states: result.states };
}
