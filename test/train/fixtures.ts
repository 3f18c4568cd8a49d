/** Small hand-written ModelIRs for the training tests (every field resolved, as lowering would produce). */
import * as tf from '@tensorflow/tfjs';
import { compileForTraining } from '../../src/runtime/training/index.js';
import type { DataIR, HeadIR, ModelIR, RecurrentLayerIR, TrainIR } from '../../src/ir/types.js';

export function trainBlock(overrides: Partial<TrainIR> = {}): TrainIR {
  return {
    optimizer: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    clipNorm: 1,
    clipValue: null,
    batchSize: 16,
    epochs: 3,
    validationSplit: 0.2,
    earlyStopping: null,
    schedule: null,
    seed: 3,
    shuffle: true,
    ...overrides,
  };
}

export function lstmLayer(units: number, overrides: Partial<RecurrentLayerIR> = {}): RecurrentLayerIR {
  return {
    type: 'recurrent',
    name: 'lstm_1',
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

export function headIr(units: number, steps: number | null, overrides: Partial<HeadIR> = {}): HeadIR {
  const at = overrides.at ?? 'each_step';
  return {
    name: 'out',
    units,
    activation: 'linear',
    at,
    loss: 'mse',
    lossWeight: 1,
    metrics: ['mae'],
    outputShape: at === 'each_step' ? [steps, units] : [units],
    ...overrides,
  };
}

/** A one-LSTM model on a small synthetic sine → cosine set (fast enough for several runs per test file). */
export function sineIr(overrides: { train?: Partial<TrainIR>; data?: DataIR; units?: number; recurrentDropout?: number } = {}): ModelIR {
  const steps = 12;
  const dropout = overrides.recurrentDropout === undefined ? null : { rate: overrides.recurrentDropout };
  return {
    irVersion: 1,
    name: 'tiny_sine',
    description: null,
    input: { steps, features: 1, padding: null },
    layers: [lstmLayer(overrides.units ?? 6, { dropout: { input: null, recurrent: dropout, candidate: null, zoneout: null } })],
    heads: [headIr(1, steps)],
    train: trainBlock(overrides.train),
    data: overrides.data ?? {
      source: { type: 'synthetic', task: 'sine_cosine', samples: 80, steps, seed: 1 },
      split: { train: 0.6, validation: 0.2, test: 0.2 },
    },
  };
}

/** Collects what a command writes, as a Streams pair for the reporters. */
export function captureStreams(): { streams: { out: NodeJS.WritableStream; err: NodeJS.WritableStream }; out: () => string; err: () => string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]): NodeJS.WritableStream =>
    ({ write: (chunk: string | Uint8Array) => (into.push(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  return { streams: { out: sink(chunks.out), err: sink(chunks.err) }, out: () => chunks.out.join(''), err: () => chunks.err.join('') };
}

/**
 * A stand-in for `compileModel` built from tfjs's own layers (an LSTM and a per-step or final dense head),
 * compiled with seqnet's training settings, so these tests exercise the training code alone.
 */
export function standInModel(ir: ModelIR, seed: number): tf.LayersModel {
  const recurrent = ir.layers[0] as RecurrentLayerIR;
  const head = ir.heads[0];
  const model = tf.sequential({ name: ir.name });
  model.add(
    tf.layers.lstm({
      units: recurrent.units,
      returnSequences: head.at === 'each_step',
      inputShape: [ir.input.steps, ir.input.features],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  const dense = tf.layers.dense({ units: head.units, activation: head.activation === 'softmax' ? 'softmax' : 'linear', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }), name: head.name });
  model.add(head.at === 'each_step' ? tf.layers.timeDistributed({ layer: dense, name: head.name }) : dense);
  compileForTraining(model, ir.train, ir.heads);
  return model;
}
