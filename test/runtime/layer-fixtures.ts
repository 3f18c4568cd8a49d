/** Configs and inputs shared by the SeqnetRecurrent tests. */
import * as tf from '@tensorflow/tfjs';
import type { Activation, CellKind, NormIR, RecurrentDropoutIR } from '../../src/ir/types.js';
import { SeqnetRecurrent } from '../../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';
import { defaultRecurrentInitializer } from '../../src/variants/index.js';

export const NO_DROPOUT: RecurrentDropoutIR = { input: null, recurrent: null, candidate: null, zoneout: null };

/** A plain layer (no norms, no dropout) with tfjs's defaults spelled out; `overrides` replaces fields. */
export function plainConfig(cell: CellKind, units: number, overrides: Partial<SeqnetRecurrentConfig> = {}): SeqnetRecurrentConfig {
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
    dropout: NO_DROPOUT,
    initializers: { kernel: 'glorot_uniform', recurrentKernel: defaultRecurrentInitializer(cell), bias: 'zeros' },
    seed: 7,
    ...overrides,
  };
}

export function layerNormAt(site: NormIR['site'], groups: NormIR['groups'] = 'all', carry = false): NormIR {
  return { site, kind: 'layer', epsilon: 1e-5, gammaInit: 1, betaInit: 0, center: true, groups, carry, batch: null };
}

export function batchNormAt(site: NormIR['site'], statistics: 'per_step' | 'shared', maxSteps = 4, momentum = 0.5): NormIR {
  return {
    site,
    kind: 'batch',
    epsilon: 1e-5,
    gammaInit: 0.1,
    betaInit: 0,
    center: site === 'cell',
    groups: 'all',
    carry: false,
    batch: { statistics, maxSteps: statistics === 'per_step' ? maxSteps : null, momentum },
  };
}

/** A deterministic `[batch, time, features]` input. */
export function sequenceInput(batch: number, steps: number, features: number, seed = 1): tf.Tensor3D {
  return tf.randomNormal([batch, steps, features], 0, 1, 'float32', seed) as tf.Tensor3D;
}

/** Max absolute difference of two tensors. */
export function maxDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

export interface GradientCase {
  cell: 'lstm' | 'gru' | 'rnn';
  recurrentActivation: Activation;
  returnSequences: boolean;
  masked: boolean;
}

/** Gradients of a fixed random projection of the outputs w.r.t. every weight and the input. */
function gradients(layer: tf.layers.Layer, x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor[] {
  const loss = (input: tf.Tensor) => {
    const output = layer.apply(input, { mask, training: true }) as tf.Tensor;
    return tf.sum(tf.mul(output, tf.randomNormal(output.shape, 0, 1, 'float32', 5))) as tf.Scalar;
  };
  const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => loss(x), variables);
  return [...variables.map((v) => grads[v.name]), tf.grad(loss)(x)];
}

function tfjsLayer({ cell, recurrentActivation, returnSequences }: GradientCase): tf.layers.Layer {
  const options = {
    units: 3,
    returnSequences,
    recurrentActivation: recurrentActivation === 'hard_sigmoid' ? ('hardSigmoid' as const) : ('sigmoid' as const),
    biasInitializer: 'randomNormal' as const,
  };
  if (cell === 'lstm') return tf.layers.lstm(options);
  return cell === 'gru' ? tf.layers.gru(options) : tf.layers.simpleRNN(options);
}

/** Max differences of each weight's and the input's gradient between SeqnetRecurrent and the tfjs layer. */
export function compareWithTfjs(testCase: GradientCase): number[] {
  const { cell, recurrentActivation, returnSequences, masked } = testCase;
  const x = sequenceInput(3, 5, 4, 9);
  const mask = masked ? tf.tensor2d([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]]) : undefined;
  const reference = tfjsLayer(testCase);
  reference.apply(x);
  const layer = new SeqnetRecurrent(plainConfig(cell, 3, { returnSequences, recurrentActivation }));
  layer.apply(x);
  layer.setWeights(reference.getWeights());
  const expected = gradients(reference, x, mask);
  const actual = gradients(layer, x, mask);
  return actual.map((gradient, index) => maxDifference(gradient, expected[index]));
}

export const GRADIENT_CASES: GradientCase[] = (['lstm', 'gru', 'rnn'] as const).flatMap((cell) => [
  { cell, recurrentActivation: 'sigmoid', returnSequences: true, masked: false },
  { cell, recurrentActivation: 'hard_sigmoid', returnSequences: true, masked: false },
  { cell, recurrentActivation: 'sigmoid', returnSequences: false, masked: true },
  { cell, recurrentActivation: 'hard_sigmoid', returnSequences: false, masked: true },
]);

