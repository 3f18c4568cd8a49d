/** Configs and inputs shared by the SeqnetRecurrent tests. */
import * as tf from '@tensorflow/tfjs';
import type { CellKind, NormIR, RecurrentDropoutIR } from '../../src/ir/types.js';
import type { SeqnetRecurrentConfig } from '../../src/runtime/recurrent/index.js';

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
    initializers: { kernel: 'glorot_uniform', recurrentKernel: 'orthogonal', bias: 'zeros' },
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
