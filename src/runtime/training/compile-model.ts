/** `model.compile` for a seqnet model: one loss (weighted) and metrics per named head, and the optimizer. */
import * as tf from '@tensorflow/tfjs';
import type { HeadIR } from '../../ir/types.js';
import { lossFor, metricFor, type LossFunction, type LossIdentifier } from './losses.js';
import { buildOptimizer, type OptimizerSettings } from './optimizer.js';

export type HeadTraining = Pick<HeadIR, 'name' | 'loss' | 'lossWeight' | 'metrics'>;

/** Compiles `model` for training; its outputs must be named after the heads. */
export function compileForTraining(model: tf.LayersModel, train: OptimizerSettings, heads: readonly HeadTraining[]): void {
  const loss: Record<string, LossFunction> = {};
  const metrics: Record<string, LossIdentifier[]> = {};
  for (const head of heads) {
    loss[head.name] = lossFor(head.loss, head.lossWeight);
    metrics[head.name] = head.metrics.map((metric) => metricFor(metric, head.loss));
  }
  model.compile({
    optimizer: buildOptimizer(train),
    loss,
    // tfjs's typing allows one metric per output name, but its compile accepts a list there too.
    metrics: metrics as unknown as Record<string, string>,
  });
  expectClassIndexTargets(model, heads);
}

/**
 * tfjs checks targets against `feedOutputShapes`, which it sets to `[…, 1]` (class indices) only when a head's
 * loss is its own sparse cross-entropy function; ours is wrapped (weighted, reduced per example), so the same
 * expectation is set here for those heads.
 */
function expectClassIndexTargets(model: tf.LayersModel, heads: readonly HeadTraining[]): void {
  const feed = model as unknown as { feedOutputNames: string[]; feedOutputShapes: tf.Shape[] };
  for (const head of heads) {
    if (head.loss !== 'sparse_categorical_crossentropy') continue;
    const index = feed.feedOutputNames.indexOf(head.name);
    if (index >= 0) feed.feedOutputShapes[index] = [...feed.feedOutputShapes[index].slice(0, -1), 1];
  }
}
