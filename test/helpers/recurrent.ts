/**
 * Bridges the float64 reference and `SeqnetRecurrent`: configs, random weights, and moving weights between the
 * two by weight name (`kernel`, `recurrent_kernel`, `bias`, `<site>_norm/…`, under `forward/` and `backward/`
 * for a bidirectional layer), as the runtime contract in the team brief names them.
 */
import * as tf from '@tensorflow/tfjs';
import type { CellKind, NormIR, NormKind, NormSite } from '../../src/ir/types.js';
import { SeqnetRecurrent, type SeqnetRecurrentConfig } from '../../src/runtime/index.js';
import type { DirectionWeights, NormParams, ReferenceConfig } from '../runtime/reference/types.js';
import { recurrentKernelRows } from '../runtime/reference/cells.js';
import { defaultRecurrentInitializer, NORM_FACTS, siteWidth as siteWidthOf } from '../../src/variants/index.js';
import type { TestRandom } from './random.js';

/** A reference config with every option off (sigmoid gates, tanh, bias, no norms, no dropout). */
export function plainConfig(cell: CellKind, units = 3, overrides: Partial<ReferenceConfig> = {}): ReferenceConfig {
  return {
    cell,
    units,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: true,
    bidirectional: null,
    useBias: true,
    forgetBias: { init: 0, constant: 0 },
    resetAfter: false,
    norms: [],
    dropout: { input: null, recurrent: null, candidate: null, zoneout: null },
    ...overrides,
  };
}

/** A NormIR with the language's defaults for `kind` at `site`. */
export function makeNorm(site: NormSite, kind: NormKind, overrides: Partial<NormIR> = {}): NormIR {
  return {
    site,
    kind,
    epsilon: NORM_FACTS[kind].epsilon,
    gammaInit: 1,
    betaInit: 0,
    center: NORM_FACTS[kind].center,
    groups: 'all',
    carry: false,
    batch: NORM_FACTS[kind].batchStatistics ? { statistics: 'per_step', maxSteps: 4, momentum: 0.9 } : null,
    ...overrides,
  };
}

export function layerConfig(config: ReferenceConfig, extra: Partial<SeqnetRecurrentConfig> = {}): SeqnetRecurrentConfig {
  return { ...config, initializers: { kernel: 'glorot_uniform', recurrentKernel: defaultRecurrentInitializer(config.cell), bias: 'zeros' }, ...extra };
}

/** Width of a norm site's parameters: G·u for projection sites, u for `cell` and `hidden`. */
export function siteWidth(config: ReferenceConfig, site: NormSite): number {
  return siteWidthOf(config.cell, site, config.units);
}

function randomNorm(config: ReferenceConfig, norm: NormIR, random: TestRandom): NormParams {
  const width = siteWidth(config, norm.site);
  const rows = norm.batch === null ? 0 : norm.batch.statistics === 'shared' ? 1 : (norm.batch.maxSteps as number);
  return {
    gamma: random.vector(width, 0.5, 1.5),
    beta: norm.center ? random.vector(width, -0.3, 0.3) : null,
    movingMean: rows === 0 ? null : random.matrix(rows, width, -0.5, 0.5),
    movingVariance: rows === 0 ? null : random.matrix(rows, width, 0.3, 1.5),
  };
}

/** Random weights for every direction of `config` with `features` inputs. */
export function randomWeights(config: ReferenceConfig, features: number, random: TestRandom, scale = 0.8): DirectionWeights[] {
  const columns = siteWidthOf(config.cell, 'gates', config.units);
  const directions = config.bidirectional === null ? 1 : 2;
  return Array.from({ length: directions }, () => ({
    kernel: random.matrix(features, columns, -scale, scale),
    recurrentKernel: random.matrix(recurrentKernelRows(config.cell, config.units), columns, -scale, scale),
    bias: config.useBias ? random.vector(columns, -0.5, 0.5) : null,
    norms: Object.fromEntries(config.norms.map((norm) => [norm.site, randomNorm(config, norm, random)])),
  }));
}

/** The weight whose original name ends with `/<path>` (tfjs may suffix duplicate variable names, not originalName). */
export function findWeight(layer: tf.layers.Layer, path: string): tf.LayerVariable {
  const matches = layer.weights.filter((w) => (w.originalName ?? w.name).endsWith(`/${path}`));
  if (matches.length !== 1) {
    throw new Error(`expected one weight named */${path}, found ${matches.length} among: ${layer.weights.map((w) => w.originalName).join(', ')}`);
  }
  return matches[0];
}

function prefixes(config: ReferenceConfig): string[] {
  return config.bidirectional === null ? [''] : ['forward/', 'backward/'];
}

function populationShape(norm: NormIR, rows: number[][]): number[][] | number[] {
  return norm.batch?.statistics === 'shared' ? rows[0] : rows;
}

/** Every (weight path, value) pair of the reference weights, in the layer's naming. */
export function namedValues(config: ReferenceConfig, weights: DirectionWeights[]): [string, number[][] | number[]][] {
  return prefixes(config).flatMap((prefix, d) => {
    const w = weights[d];
    const pairs: [string, number[][] | number[]][] = [[`${prefix}kernel`, w.kernel], [`${prefix}recurrent_kernel`, w.recurrentKernel]];
    if (w.bias !== null) pairs.push([`${prefix}bias`, w.bias]);
    for (const norm of config.norms) {
      const p = w.norms[norm.site] as NormParams;
      const base = `${prefix}${norm.site}_norm/`;
      pairs.push([`${base}gamma`, p.gamma]);
      if (p.beta !== null) pairs.push([`${base}beta`, p.beta]);
      if (p.movingMean !== null) pairs.push([`${base}moving_mean`, populationShape(norm, p.movingMean)]);
      if (p.movingVariance !== null) pairs.push([`${base}moving_variance`, populationShape(norm, p.movingVariance)]);
    }
    return pairs;
  });
}

/** Writes the reference weights into a built layer, and checks the layer has no weight the reference lacks. */
export function writeWeights(layer: tf.layers.Layer, config: ReferenceConfig, weights: DirectionWeights[]): void {
  const pairs = namedValues(config, weights);
  if (pairs.length !== layer.weights.length) {
    const layerNames = layer.weights.map((w) => w.originalName).join(', ');
    throw new Error(`layer has ${layer.weights.length} weights (${layerNames}), reference ${pairs.length} (${pairs.map(([n]) => n).join(', ')})`);
  }
  for (const [path, value] of pairs) {
    const variable = findWeight(layer, path);
    // Flattened: the reference holds the IndRNN's recurrent vector as a one-row matrix.
    variable.write(tf.tensor(value.flat(), variable.shape as number[]));
  }
}

/** Builds a `SeqnetRecurrent` for `[batch, steps, features]` inputs and loads `weights` into it. */
export function buildLayer(
  config: ReferenceConfig,
  weights: DirectionWeights[],
  steps: number,
  features: number,
  extra: Partial<SeqnetRecurrentConfig> = {},
): SeqnetRecurrent {
  const layer = new SeqnetRecurrent(layerConfig(config, extra));
  // Building through apply (inference, so no population update) is the path tfjs itself takes.
  tf.tidy(() => {
    layer.apply(tf.zeros([1, steps, features]));
  });
  writeWeights(layer, config, weights);
  return layer;
}

/** `[batch][time]` booleans as a mask tensor: `bool` is what `tf.layers.masking` produces; 1/0 floats are also accepted. */
export function maskTensor(mask: boolean[][], dtype: 'bool' | 'float32' = 'bool'): tf.Tensor {
  return tf.tensor2d(mask.map((row) => row.map((v) => (v ? 1 : 0))), undefined, dtype);
}

export interface ApplyOptions {
  training?: boolean;
  mask?: boolean[][];
  maskDtype?: 'bool' | 'float32';
  initialState?: number[][][];
}

/** Runs the layer and returns every output as nested arrays (one entry per output tensor). */
export function applyLayer(layer: tf.layers.Layer, x: number[][][], kwargs: ApplyOptions = {}): unknown[] {
  return tf.tidy(() => {
    const args: Record<string, unknown> = { training: kwargs.training ?? false };
    if (kwargs.mask !== undefined) args.mask = maskTensor(kwargs.mask, kwargs.maskDtype);
    if (kwargs.initialState !== undefined) args.initialState = kwargs.initialState.map((s) => tf.tensor2d(s));
    const result = layer.apply(tf.tensor3d(x), args);
    return [result as tf.Tensor | tf.Tensor[]].flat().map((t) => t.arraySync());
  });
}
