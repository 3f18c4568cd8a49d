/** The optimizer a seqnet `train` block describes, with gradient clipping when it asks for it. */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerIR, TrainIR } from '../../ir/types.js';
import { ClippedOptimizer } from './clipping.js';

export type OptimizerSettings = Pick<TrainIR, 'optimizer' | 'clipNorm' | 'clipValue'>;

export function buildOptimizer(train: OptimizerSettings): tf.Optimizer {
  const inner = baseOptimizer(train.optimizer);
  if (train.clipNorm === null && train.clipValue === null) return inner;
  return new ClippedOptimizer(inner, { norm: train.clipNorm, value: train.clipValue });
}

function baseOptimizer(optimizer: OptimizerIR): tf.Optimizer {
  switch (optimizer.type) {
    case 'adam':
      return tf.train.adam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon);
    case 'sgd':
      // tfjs's plain sgd has no momentum term; momentum 0 keeps the cheaper update.
      if (optimizer.momentum === 0) return tf.train.sgd(optimizer.learningRate);
      return tf.train.momentum(optimizer.learningRate, optimizer.momentum, optimizer.nesterov);
    case 'rmsprop':
      return tf.train.rmsprop(optimizer.learningRate, optimizer.decay, optimizer.momentum, optimizer.epsilon);
  }
}
