/** Central finite differences of a scalar loss through the float64 reference, per weight and per input. */
import { namedValues } from '../../helpers/recurrent.js';
import { runReference } from './run.js';
import type { DirectionWeights, ReferenceConfig, RunOptions } from './types.js';

const STEP = 1e-6;

/** `Σ coefficients ⊙ output`: a loss whose gradient reaches every output element with a different weight. */
export function weightedSum(output: number[][][] | number[][], coefficients: number[]): number {
  const flat = (output as unknown[]).flat(2) as number[];
  return flat.reduce((s, v, k) => s + v * coefficients[k], 0);
}

function lossOf(config: ReferenceConfig, weights: DirectionWeights[], x: number[][][], options: RunOptions, coefficients: number[]): number {
  return weightedSum(runReference(config, weights, x, options).output, coefficients);
}

/** Nudges `array[index]` (a flat index into a vector or matrix) by `delta`. */
function nudge(array: number[] | number[][], index: number, delta: number): void {
  if (typeof array[0] === 'number') (array as number[])[index] += delta;
  else {
    const columns = (array as number[][])[0].length;
    (array as number[][])[Math.floor(index / columns)][index % columns] += delta;
  }
}

function centralDifference(array: number[] | number[][], index: number, loss: () => number): number {
  nudge(array, index, STEP);
  const up = loss();
  nudge(array, index, -2 * STEP);
  const down = loss();
  nudge(array, index, STEP);
  return (up - down) / (2 * STEP);
}

const sizeOf = (array: number[] | number[][]) => (typeof array[0] === 'number' ? array.length : (array as number[][]).length * (array as number[][])[0].length);

/**
 * d loss / d weight for every trainable weight (kernels, bias, γ, β; population statistics are not trained),
 * keyed by the layer's weight path, as flat arrays in row-major order.
 */
export function weightGradients(config: ReferenceConfig, weights: DirectionWeights[], x: number[][][], options: RunOptions, coefficients: number[]): Map<string, number[]> {
  const loss = () => lossOf(config, weights, x, options, coefficients);
  const gradients = new Map<string, number[]>();
  for (const [path, array] of namedValues(config, weights)) {
    if (path.endsWith('moving_mean') || path.endsWith('moving_variance')) continue;
    gradients.set(path, Array.from({ length: sizeOf(array) }, (_, k) => centralDifference(array, k, loss)));
  }
  return gradients;
}

/** d loss / d x, `[batch][time][features]`. */
export function inputGradient(config: ReferenceConfig, weights: DirectionWeights[], x: number[][][], options: RunOptions, coefficients: number[]): number[][][] {
  const loss = () => lossOf(config, weights, x, options, coefficients);
  return x.map((sequence) => sequence.map((row) => row.map((_, f) => centralDifference(row, f, loss))));
}
