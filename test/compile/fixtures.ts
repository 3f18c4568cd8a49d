/** Hand-written ModelIR fixtures (valid IR, every field resolved) for the back-end tests. */
import type { HeadIR, LayerIR, ModelIR, NormIR, RecurrentLayerIR, TrainIR } from '../../src/ir/types.js';

export const TRAIN: TrainIR = {
  optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  clipNorm: 1,
  clipValue: null,
  batchSize: 32,
  epochs: 30,
  validationSplit: 0.2,
  earlyStopping: { patience: 5, minDelta: 0, restoreBest: false },
  schedule: null,
  seed: 7,
  shuffle: true,
};

export function layerNorm(site: NormIR['site'], overrides: Partial<NormIR> = {}): NormIR {
  return { site, kind: 'layer', epsilon: 1e-5, gammaInit: 1, betaInit: 0, center: true, groups: 'all', carry: false, batch: null, ...overrides };
}

export function lstm(name: string, units: number, overrides: Partial<RecurrentLayerIR> = {}): RecurrentLayerIR {
  return {
    type: 'recurrent',
    name,
    cell: 'lstm',
    units,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: true,
    bidirectional: null,
    residual: false,
    useBias: true,
    forgetBias: { init: 1, constant: 0 },
    resetAfter: false,
    norms: [],
    preset: null,
    dropout: { input: null, recurrent: null, candidate: null, zoneout: null },
    initializers: { kernel: 'glorot_uniform', recurrentKernel: 'orthogonal', bias: 'zeros' },
    outputSize: units,
    ...overrides,
  };
}

export function head(name: string, units: number, overrides: Partial<HeadIR> = {}): HeadIR {
  const at = overrides.at ?? 'each_step';
  return {
    name,
    units,
    activation: 'linear',
    at,
    loss: 'mse',
    lossWeight: 1,
    metrics: ['mae'],
    outputShape: at === 'each_step' ? [50, units] : [units],
    ...overrides,
  };
}

export function model(name: string, layers: LayerIR[], heads: HeadIR[], overrides: Partial<ModelIR> = {}): ModelIR {
  return {
    irVersion: 1,
    name,
    description: null,
    input: { steps: 50, features: 1, padding: null },
    layers,
    heads,
    train: TRAIN,
    data: null,
    ...overrides,
  };
}

/** The `sine` spec: an LSTM, batch norm and dropout on its outputs, a per-step head. */
export const SINE: ModelIR = model(
  'sine',
  [
    lstm('lstm_1', 32),
    { type: 'normalization', name: 'norm_1', kind: 'batch', epsilon: 1e-5, momentum: 0.99, center: true, gammaInit: 1, betaInit: 0, outputSize: 32 },
    { type: 'dropout', name: 'dropout_1', rate: 0.1, mask: 'step', outputSize: 32 },
  ],
  [head('cosine', 1)],
);

/** Variable-length, padded input; rms norm, dense, per-sequence dropout; four heads reading the body four ways. */
export const MULTI_HEAD: ModelIR = model(
  'multi_head',
  [
    lstm('lstm_1', 8, { norms: [layerNorm('hidden')] }),
    lstm('lstm_2', 8, { residual: true }),
    { type: 'normalization', name: 'norm_1', kind: 'rms', epsilon: 1e-6, momentum: null, center: false, gammaInit: 1, betaInit: 0, outputSize: 8 },
    { type: 'dense', name: 'dense_1', units: 6, activation: 'relu', outputSize: 6 },
    { type: 'dropout', name: 'dropout_1', rate: 0.2, mask: 'sequence', outputSize: 6 },
    { type: 'normalization', name: 'norm_2', kind: 'layer', epsilon: 1e-3, momentum: null, center: true, gammaInit: 0.5, betaInit: 0.1, outputSize: 6 },
  ],
  [
    head('every', 2, { outputShape: [null, 2] }),
    head('last', 1, { at: 'last_step', lossWeight: 0.5, loss: 'huber' }),
    head('average', 3, { at: 'mean', activation: 'softmax', loss: 'categorical_crossentropy', metrics: ['accuracy'] }),
    head('peak', 1, { at: 'max', activation: 'sigmoid', loss: 'binary_crossentropy', metrics: ['binary_accuracy'] }),
  ],
  { input: { steps: null, features: 3, padding: -1 } },
);
