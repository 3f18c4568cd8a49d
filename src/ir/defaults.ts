/**
 * Every default of the language, in one place, except those that belong to one variant: a norm kind's ε and
 * centering (`NORM_FACTS`), a cell's default norm grouping (`CELL_FACTS`), its recurrent weight's initializer
 * (`defaultRecurrentInitializer`: orthogonal, or the cell table's own) and a dropout form's default mask
 * lifetime (`DROPOUT_FACTS`), all in src/variants. Lowering
 * (lower.ts) reads nothing else for a value the spec leaves out; docs/language.md documents the same values.
 */
import type { Activation, InitializersIR, LossName, OptimizerIR } from './types.js';

export const DEFAULTS = {
  recurrent: {
    activation: 'tanh' as Activation,
    /** Keras's sigmoid, not tfjs's hard_sigmoid. */
    recurrentActivation: 'sigmoid' as Activation,
    bidirectionalMerge: 'concat' as const,
    residual: false,
    useBias: true,
    /** Keras `unit_forget_bias`: the LSTM forget slice of the bias starts at 1. */
    forgetBiasInit: 1,
    resetAfter: false,
    initializers: { kernel: 'glorot_uniform', bias: 'zeros' } as Omit<InitializersIR, 'recurrentKernel' | 'steps'>,
  },
  norm: {
    gamma: 1,
    beta: 0,
    carry: false,
    statistics: 'per_step' as const,
    momentum: 0.99,
  },
  dropout: {
    betweenLayersMask: 'per_step' as const,
  },
  dense: { activation: 'linear' as Activation },
  head: { activation: 'linear' as Activation, at: 'last_step' as const, weight: 1 },
  train: {
    loss: 'mse' as LossName,
    optimizer: { type: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as OptimizerIR,
    sgd: { learningRate: 0.01, momentum: 0, nesterov: false },
    rmsprop: { learningRate: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-7 },
    adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    batchSize: 32,
    epochs: 10,
    validationSplit: 0.2,
    earlyStopping: { patience: 5, minDelta: 0, restoreBest: false },
    stepSchedule: { factor: 0.5 },
    plateauSchedule: { patience: 5, factor: 0.5, minLearningRate: 0 },
    seed: 42,
    shuffle: true,
  },
  data: {
    split: { train: 0.8, validation: 0.1, test: 0.1 },
    synthetic: { samples: 1000 },
    csv: { horizon: 1, stride: 1, standardize: true, delimiter: ',' },
    // 14×14 (196 steps) keeps sequential MNIST within a 2-core machine's reach; seed 1 fixes the held-out digits.
    mnist: { size: 14, order: 'pixels', seed: 1 },
    // The seed of a fortune file's shuffle is the source's own, so the held-out records do not move with the train seed.
    text: { format: 'plain', seed: 1 },
  },
} as const;
