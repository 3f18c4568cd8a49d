/** The optimizer a seqnet `train` block describes, inside the wrapper that skips non-finite updates and clips. */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerIR, TrainIR } from '../../ir/types.js';
import { SeqnetAdam } from './adam.js';
import { GuardedOptimizer } from './guarded-optimizer.js';

export type OptimizerSettings = Pick<TrainIR, 'optimizer' | 'clipNorm' | 'clipValue'>;

/** Always wrapped, clipping or not: a single non-finite gradient must never reach the weights. */
export function buildOptimizer(train: OptimizerSettings): GuardedOptimizer {
  return new GuardedOptimizer(baseOptimizer(train.optimizer), { norm: train.clipNorm, value: train.clipValue });
}

function baseOptimizer(optimizer: OptimizerIR): tf.Optimizer {
  switch (optimizer.type) {
    case 'adam':
      // tfjs's Adam, bit for bit, with fewer scalar tensors made per update.
      return new SeqnetAdam(optimizer.learningRate, optimizer.beta1, optimizer.beta2, optimizer.epsilon);
    case 'sgd':
      // tfjs's plain sgd has no momentum term; momentum 0 keeps the cheaper update.
      if (optimizer.momentum === 0) return tf.train.sgd(optimizer.learningRate);
      return tf.train.momentum(optimizer.learningRate, optimizer.momentum, optimizer.nesterov);
    case 'rmsprop':
      return tf.train.rmsprop(optimizer.learningRate, optimizer.decay, optimizer.momentum, optimizer.epsilon);
  }
}
