/**
 * The training loop counts updates skipped for non-finite gradients (epoch line, history, run.json, summary)
 * and stops as diverged when too many come in a row, though the loss itself stays finite.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { ModelIR, RecurrentLayerIR } from '../../src/ir/types.js';
import { compileForTraining } from '../../src/runtime/training/index.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { BarReporter } from '../../src/train/progress.js';
import { MAX_SKIPPED_UPDATES_IN_A_ROW } from '../../src/train/divergence.js';
import type { EpochLog, RunInfo } from '../../src/train/index.js';
import { sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

/** The identity forward, whose backward pass returns NaN while `poisoned()` says so (checked once per update). */
class GradientPoison extends tf.layers.Layer {
  static readonly className = 'GradientPoison';

  constructor(private readonly poisoned: () => boolean) {
    super({ name: 'poison' });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const identity = tf.customGrad((...args) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => (this.poisoned() ? tf.mul(dy, Number.NaN) : dy),
    }));
    return identity(x);
  }
}

/** An LSTM, the poison layer, and a per-step dense head; `compile` decides which optimizer it trains with. */
function poisonedModel(ir: ModelIR, seed: number, poisoned: () => boolean, compile: (model: tf.LayersModel) => void): tf.LayersModel {
  const recurrent = ir.layers[0] as RecurrentLayerIR;
  const model = tf.sequential({ name: ir.name });
  model.add(
    tf.layers.lstm({
      units: recurrent.units,
      returnSequences: true,
      inputShape: [ir.input.steps, ir.input.features],
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  model.add(new GradientPoison(poisoned));
  const dense = tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }), name: 'out' });
  model.add(tf.layers.timeDistributed({ layer: dense, name: 'out' }));
  compile(model);
  return model;
}

// 80 samples, 60 % for training, batches of 4: 12 batches per epoch.
const BATCHES_PER_EPOCH = 12;
const ir = sineIr({ train: { epochs: 3, batchSize: 4 } });

describe('updates skipped for non-finite gradients', () => {
  it('stops as diverged with advice when every update is skipped, leaving the weights as initialized', async () => {
    const root = await tempDir();
    const build = (model: ModelIR, seed: number) => poisonedModel(model, seed, () => true, (m) => compileForTraining(m, model.train, model.heads));
    const { result, out } = await train(ir, root, { buildModel: build });

    expect(result.status).toBe('diverged');
    // 25 in a row: the 2 whole epochs (24 batches) and the first batch of epoch 3.
    expect(MAX_SKIPPED_UPDATES_IN_A_ROW).toBe(25);
    expect(result.message).toMatch(
      /^25 updates in a row had non-finite gradients and were skipped \(up to epoch 3, batch 1\); training stopped\. The last good checkpoint \(after epoch 2\) is in /,
    );
    expect(result.message).toMatch(/lower learning rate, gradient clipping \(`clip norm 1`/);
    expect(result.message).toMatch(/all-zero or constant sequences/);
    expect(result.message).toMatch(/`dropout input R per_step`/);
    expect(out).toContain(result.message);
    expect(result.skippedUpdates).toBe(25);
    expect(out).toMatch(/^epoch 1\/3 · loss [\d.]+ · .* · [\d.]+ s · 12 updates skipped$/m);
    expect(result.history.map((log) => log.skippedUpdates)).toEqual([BATCHES_PER_EPOCH, BATCHES_PER_EPOCH]);
    const info = await readJson<RunInfo>(join(result.runDir, 'run.json'));
    expect([info.status, info.skippedUpdates]).toEqual(['diverged', 25]);

    // Nothing was applied: the checkpoint after epoch 2 holds the initial weights.
    const checkpoint = await loadCheckpoint(join(result.runDir, 'checkpoint'));
    const fresh = build(ir, ir.train.seed).getWeights();
    expect(checkpoint.weights).toHaveLength(fresh.length);
    checkpoint.weights.forEach((weight, k) => expect(Array.from(weight.dataSync())).toEqual(Array.from(fresh[k].dataSync())));
    expect(checkpoint.state.skippedInARow).toBe(2 * BATCHES_PER_EPOCH);
  });

  it('counts a few skipped updates per epoch and finishes, also for a model compiled with a plain tfjs optimizer', async () => {
    const root = await tempDir();
    let updates = 0;
    // The first 3 updates overflow, every later one is finite.
    const poisoned = (): boolean => (updates += 1) <= 3;
    const build = (model: ModelIR, seed: number) => poisonedModel(model, seed, poisoned, (m) => m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' }));
    const { result, out } = await train(ir, root, { buildModel: build });

    expect(result.status).toBe('completed');
    expect(result.history.map((log) => log.skippedUpdates)).toEqual([3, 0, 0]);
    expect(result.skippedUpdates).toBe(3);
    expect(out).toMatch(/^epoch 1\/3 · .* s · 3 updates skipped$/m);
    expect(out).toMatch(/^epoch 2\/3 · .* [\d.]+ s$/m);
    expect(result.message).toMatch(/\n3 updates were skipped for non-finite gradients \(see docs\/training\.md\)$/);
    const history = await readJson<EpochLog[]>(join(result.runDir, 'history.json'));
    expect(history.map((log) => log.skippedUpdates)).toEqual([3, 0, 0]);
    const info = await readJson<RunInfo>(join(result.runDir, 'run.json'));
    expect(info.skippedUpdates).toBe(3);
  });
});

describe('the progress bar', () => {
  it('shows the updates skipped so far in the epoch, and nothing while there are none', () => {
    const chunks: string[] = [];
    const sink = { isTTY: true, columns: 120, write: (chunk: string) => (chunks.push(String(chunk)), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
    const out = sink as unknown as NodeJS.WritableStream;
    const reporter = new BarReporter({ out, err: out });
    reporter.epochStart(1, 3, 10, 0);
    reporter.batchEnd(1, 0.5, 0);
    reporter.batchEnd(2, 0.5, 0);
    expect(chunks.join('')).not.toContain('skipped');
    reporter.batchEnd(3, 0.5, 2);
    reporter.close();
    expect(chunks.join('')).toMatch(/3\/10 batches · loss 0\.5000 · 2 updates skipped · ETA /);
  });
});
