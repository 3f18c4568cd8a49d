/**
 * Lowering: a schema-valid JSON form → ModelIR with every default resolved (from defaults.ts), stacks expanded,
 * names assigned, sequence returns implied and widths inferred. Lowering never fails on a schema-valid document;
 * the semantic checks decide whether the result is a valid model.
 */
import type { DataJson, HeadJson, SpecJson, TrainJson } from './spec-json.js';
import { DEFAULTS } from './defaults.js';
import { lowerBody } from './lower-body.js';
import { MNIST_DIGITS } from './image-sources.js';
import { IR_VERSION, type DataIR, type DataSourceIR, type HeadIR, type ModelIR, type OptimizerIR, type ScheduleIR, type TrainIR } from './types.js';

export interface LoweredSpec {
  ir: ModelIR;
  /** JSON pointers of the body item behind each IR layer and of each head, for diagnostics. */
  origins: { layers: string[]; heads: string[] };
}

export function lowerSpec(spec: SpecJson): LoweredSpec {
  const steps = spec.input.steps === 'variable' ? null : spec.input.steps;
  const heads = spec.heads;
  const body = lowerBody(spec.body ?? [], steps, spec.input.features, heads);
  const train = lowerTrain(spec.train ?? {});
  const ir: ModelIR = {
    irVersion: IR_VERSION,
    name: spec.model,
    description: spec.description ?? null,
    input: { steps, features: spec.input.features, padding: spec.input.padding ?? null },
    layers: body.layers,
    heads: heads.map((head) => lowerHead(head, spec.train ?? {}, steps)),
    train,
    data: spec.data === undefined ? null : lowerData(spec.data, steps, train.seed),
  };
  return { ir, origins: { layers: body.origins, heads: heads.map((_, index) => `/heads/${index}`) } };
}

function lowerHead(head: HeadJson, train: TrainJson, steps: number | null): HeadIR {
  const at = head.at ?? DEFAULTS.head.at;
  return {
    name: head.name,
    units: head.units,
    activation: head.activation ?? DEFAULTS.head.activation,
    at,
    loss: head.loss ?? train.loss ?? DEFAULTS.train.loss,
    lossWeight: head.weight ?? DEFAULTS.head.weight,
    metrics: [...(head.metrics ?? train.metrics ?? [])],
    outputShape: at === 'each_step' ? [steps, head.units] : [head.units],
  };
}

function lowerTrain(train: TrainJson): TrainIR {
  const defaults = DEFAULTS.train;
  const stopping = train.early_stopping;
  return {
    optimizer: lowerOptimizer(train.optimizer),
    clipNorm: train.clip?.norm ?? null,
    clipValue: train.clip?.value ?? null,
    batchSize: train.batch_size ?? defaults.batchSize,
    epochs: train.epochs ?? defaults.epochs,
    validationSplit: train.validation_split ?? defaults.validationSplit,
    earlyStopping:
      stopping === undefined
        ? null
        : {
            patience: stopping.patience ?? defaults.earlyStopping.patience,
            minDelta: stopping.min_delta ?? defaults.earlyStopping.minDelta,
            restoreBest: stopping.restore_best ?? defaults.earlyStopping.restoreBest,
          },
    schedule: lowerSchedule(train.schedule),
    seed: train.seed ?? defaults.seed,
    shuffle: train.shuffle ?? defaults.shuffle,
  };
}

function lowerOptimizer(optimizer: TrainJson['optimizer']): OptimizerIR {
  const defaults = DEFAULTS.train;
  switch (optimizer?.type) {
    case undefined:
      return { ...defaults.optimizer };
    case 'sgd':
      return {
        type: 'sgd',
        learningRate: optimizer.learning_rate ?? defaults.sgd.learningRate,
        momentum: optimizer.momentum ?? defaults.sgd.momentum,
        nesterov: optimizer.nesterov ?? defaults.sgd.nesterov,
      };
    case 'rmsprop':
      return {
        type: 'rmsprop',
        learningRate: optimizer.learning_rate ?? defaults.rmsprop.learningRate,
        decay: optimizer.decay ?? defaults.rmsprop.decay,
        momentum: optimizer.momentum ?? defaults.rmsprop.momentum,
        epsilon: optimizer.epsilon ?? defaults.rmsprop.epsilon,
      };
    case 'adam':
      return {
        type: 'adam',
        learningRate: optimizer.learning_rate ?? defaults.adam.learningRate,
        beta1: optimizer.beta1 ?? defaults.adam.beta1,
        beta2: optimizer.beta2 ?? defaults.adam.beta2,
        epsilon: optimizer.epsilon ?? defaults.adam.epsilon,
      };
  }
}

function lowerSchedule(schedule: TrainJson['schedule']): ScheduleIR | null {
  if (schedule === undefined) return null;
  if (schedule.type === 'step') return { type: 'step', every: schedule.every, factor: schedule.factor ?? DEFAULTS.train.stepSchedule.factor };
  const defaults = DEFAULTS.train.plateauSchedule;
  return {
    type: 'plateau',
    patience: schedule.patience ?? defaults.patience,
    factor: schedule.factor ?? defaults.factor,
    minLearningRate: schedule.min_learning_rate ?? defaults.minLearningRate,
  };
}

/**
 * Window lengths default to `input.steps`; with variable steps and no explicit length the checks report an
 * error, and 0 stands in here.
 */
function lowerData(data: DataJson, steps: number | null, trainSeed: number): DataIR {
  return { source: lowerSource(data.source, steps ?? 0, trainSeed), split: { ...(data.split ?? DEFAULTS.data.split) } };
}

function lowerSource(source: DataJson['source'], steps: number, trainSeed: number): DataSourceIR {
  switch (source.type) {
    case 'synthetic':
      return { type: 'synthetic', task: source.task, samples: source.samples ?? DEFAULTS.data.synthetic.samples, steps: source.steps ?? steps, seed: source.seed ?? trainSeed };
    case 'csv': {
      const defaults = DEFAULTS.data.csv;
      return {
        type: 'csv',
        path: source.path,
        features: [...source.features],
        targets: [...source.targets],
        window: source.window ?? steps,
        horizon: source.horizon ?? defaults.horizon,
        stride: source.stride ?? defaults.stride,
        standardize: source.standardize ?? defaults.standardize,
        delimiter: source.delimiter ?? defaults.delimiter,
      };
    }
    case 'jsonl':
      return { type: 'jsonl', path: source.path };
    case 'text': {
      const window = source.window ?? steps;
      const defaults = DEFAULTS.data.text;
      return { type: 'text', path: source.path, window, stride: source.stride ?? window, format: source.format ?? defaults.format, seed: source.seed ?? defaults.seed };
    }
    case 'mnist': {
      const defaults = DEFAULTS.data.mnist;
      return {
        type: 'mnist',
        size: source.size ?? defaults.size,
        order: source.order ?? defaults.order,
        permute: source.permute ?? null,
        samples: source.samples ?? MNIST_DIGITS,
        seed: source.seed ?? defaults.seed,
      };
    }
  }
}
