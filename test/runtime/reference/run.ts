/**
 * The float64 reference recurrent layer over whole sequences: masking, direction, bidirectional merge,
 * returned states and batch-norm population updates, written from the tfjs/Keras RNN conventions and
 * docs/runtime.md (Masking and directions; Normalization kinds, batch statistics).
 *
 * - Masked (padded) steps carry the previous state unchanged and output zeros in a returned sequence (Keras's
 *   `zero_output_for_mask`); the last output is the final h, i.e. the h of the last valid step.
 * - `goBackwards` reads the sequence from the end and, as in tfjs, returns outputs in processing order.
 * - Bidirectional: the backward direction reads the sequence reversed; its outputs are reversed back to time
 *   order before the merge (concat `[forward, backward]`, sum, mul, ave), as Keras's `Bidirectional` does.
 * - Weight drop (DropConnect on U, docs/runtime.md) in training: the direction's kernel is `U ⊙ M / (1 − rate)`
 *   with the given 0/1 mask M, at every step; at inference `U` itself.
 * - Batch norm at training time uses the minibatch statistics of each step (or of batch and time for `shared`)
 *   over valid examples only, and the population moves as `pop = m·pop + (1 − m)·batch` (IR `momentum`), with
 *   the biased (population) variance.
 */
import type { NormSite } from '../../../src/ir/types.js';
import { CELL_STEPS, type CellState } from './cells.js';
import { matmul, zeros } from './math.js';
import type { StepContext } from './norms.js';
import type { DirectionWeights, PopulationUpdate, ReferenceConfig, RunOptions, RunResult } from './types.js';

interface DirectionResult {
  outputs: number[][][];
  state: CellState;
  population: PopulationUpdate;
}

/** Mean and biased variance of every column of W·x over all valid (example, step) pairs: `shared` statistics. */
function sharedInputStatistics(weights: DirectionWeights, x: number[][][], valid: boolean[][]): { mean: number[]; variance: number[] } {
  const rows = x.flatMap((sequence, b) => matmul(sequence, weights.kernel).filter((_, t) => valid[b][t]));
  const width = weights.kernel[0].length;
  const mean = Array.from({ length: width }, (_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
  const variance = mean.map((m, k) => rows.reduce((s, r) => s + (r[k] - m) ** 2, 0) / rows.length);
  return { mean, variance };
}

/** Applies recorded minibatch statistics to copies of the population statistics, in the order they were used. */
function populationAfter(config: ReferenceConfig, weights: DirectionWeights, records: [NormSite, number, number, number, number][]): PopulationUpdate {
  const update: PopulationUpdate = {};
  for (const norm of config.norms) {
    const params = weights.norms[norm.site];
    if (norm.kind !== 'batch' || params?.movingMean == null || params.movingVariance == null) continue;
    update[norm.site] = { mean: params.movingMean.map((r) => r.slice()), variance: params.movingVariance.map((r) => r.slice()) };
  }
  for (const [site, row, column, mean, variance] of records) {
    const target = update[site];
    const momentum = config.norms.find((n) => n.site === site)?.batch?.momentum ?? 0;
    if (target === undefined) continue;
    target.mean[row][column] = momentum * target.mean[row][column] + (1 - momentum) * mean;
    target.variance[row][column] = momentum * target.variance[row][column] + (1 - momentum) * variance;
  }
  return update;
}

function runDirection(config: ReferenceConfig, weights: DirectionWeights, x: number[][][], valid: boolean[][], initial: CellState, training: boolean): DirectionResult {
  const records: [NormSite, number, number, number, number][] = [];
  const record = (site: NormSite, row: number, column: number, mean: number, variance: number) => records.push([site, row, column, mean, variance]);
  const inputNorm = config.norms.find((n) => n.site === 'input');
  let shared: StepContext['shared'];
  if (training && inputNorm?.batch?.statistics === 'shared') {
    shared = sharedInputStatistics(weights, x, valid);
    shared.mean.forEach((m, column) => record('input', 0, column, m, (shared as { variance: number[] }).variance[column]));
  }
  const steps = x[0].length;
  const outputs: number[][][] = x.map(() => []);
  let state = initial;
  for (let t = 0; t < steps; t++) {
    const stepValid = valid.map((row) => row[t]);
    const context: StepContext = { training, step: t, valid: stepValid, shared, record };
    const next = CELL_STEPS[config.cell]({ config, weights, context }, x.map((sequence) => sequence[t]), state);
    // Padded steps keep the previous state and output zeros.
    const keep = (previous: number[][], candidate: number[][]) => candidate.map((row, b) => (stepValid[b] ? row : previous[b]));
    state = { h: keep(state.h, next.h), c: state.c === null || next.c === null ? null : keep(state.c, next.c) };
    next.h.forEach((row, b) => outputs[b].push(stepValid[b] ? row : row.map(() => 0)));
  }
  return { outputs, state, population: populationAfter(config, weights, records) };
}

const reverseTime = <T>(values: T[][]): T[][] => values.map((sequence) => sequence.slice().reverse());

function merge(mode: 'concat' | 'sum' | 'mul' | 'ave', forward: number[], backward: number[]): number[] {
  if (mode === 'concat') return [...forward, ...backward];
  return forward.map((f, k) => (mode === 'sum' ? f + backward[k] : mode === 'mul' ? f * backward[k] : (f + backward[k]) / 2));
}

/** The recurrent kernel a direction uses: `U ⊙ M / (1 − rate)` in training under weight drop, else `U`. */
function droppedWeights(config: ReferenceConfig, weights: DirectionWeights, options: RunOptions, direction: number): DirectionWeights {
  const weightDrop = config.dropout.recurrentWeights;
  if (!options.training || weightDrop === undefined) return weights;
  const mask = options.recurrentWeightMasks?.[direction];
  if (mask === undefined) throw new Error('weight drop in training needs a mask per direction (recurrentWeightMasks)');
  const keep = 1 - weightDrop.rate;
  return { ...weights, recurrentKernel: weights.recurrentKernel.map((row, i) => row.map((u, j) => (u * mask[i][j]) / keep)) };
}

/** Runs the reference layer on `x` (`[batch][time][features]`) with one `DirectionWeights` per direction. */
export function runReference(config: ReferenceConfig, weights: DirectionWeights[], x: number[][][], options: RunOptions): RunResult {
  const batch = x.length;
  const steps = x[0].length;
  const valid = options.mask ?? x.map(() => new Array<boolean>(steps).fill(true));
  const statesPerDirection = config.cell === 'lstm' ? 2 : 1;
  const directions = config.bidirectional === null ? 1 : 2;
  const results = Array.from({ length: directions }, (_, d) => {
    const reversed = (config.goBackwards === true) !== (d === 1);
    const given = options.initialState?.slice(d * statesPerDirection, (d + 1) * statesPerDirection);
    const initial: CellState = {
      h: given?.[0] ?? zeros(batch, config.units),
      c: config.cell === 'lstm' ? (given?.[1] ?? zeros(batch, config.units)) : null,
    };
    const run = runDirection(config, droppedWeights(config, weights[d], options, d), reversed ? reverseTime(x) : x, reversed ? reverseTime(valid) : valid, initial, options.training);
    // The backward direction of a bidirectional layer is realigned with time; goBackwards alone is not (tfjs).
    return { ...run, outputs: d === 1 ? reverseTime(run.outputs) : run.outputs };
  });
  const finals = results.map((r) => r.state.h);
  const mode = config.bidirectional?.merge ?? 'concat';
  const combine = (parts: number[][]) => (parts.length === 1 ? parts[0] : merge(mode, parts[0], parts[1]));
  const output = config.returnSequences
    ? x.map((_, b) => Array.from({ length: steps }, (__, t) => combine(results.map((r) => r.outputs[b][t]))))
    : x.map((_, b) => combine(finals.map((h) => h[b])));
  const states = results.flatMap((r) => (r.state.c === null ? [r.state.h] : [r.state.h, r.state.c]));
  return { output, states, population: results.map((r) => r.population) };
}
