/** `model.compile` for a seqnet model: one loss (weighted) and metrics per named head, and the optimizer. */
import * as tf from '@tensorflow/tfjs';
import type { HeadIR } from '../../ir/types.js';
import { lossFor, metricFor, type LossIdentifier } from './losses.js';
import { buildOptimizer, type OptimizerSettings } from './optimizer.js';

export type HeadTraining = Pick<HeadIR, 'name' | 'loss' | 'lossWeight' | 'metrics'>;

/** Compiles `model` for training; its outputs must be named after the heads. */
export function compileForTraining(model: tf.LayersModel, train: OptimizerSettings, heads: readonly HeadTraining[]): void {
  const loss: Record<string, LossIdentifier> = {};
  const metrics: Record<string, LossIdentifier[]> = {};
  for (const head of heads) {
    loss[head.name] = lossFor(head.loss, head.lossWeight);
    metrics[head.name] = head.metrics.map((metric) => metricFor(metric, head.loss));
  }
  model.compile({
    optimizer: buildOptimizer(train),
    loss: loss as Record<string, string>,
    // tfjs's typing allows one metric per output name, but its compile accepts a list there too.
    metrics: metrics as unknown as Record<string, string>,
  });
}
