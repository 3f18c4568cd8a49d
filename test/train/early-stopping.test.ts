import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { loadData, modelShape } from '../../src/data/index.js';
import { fileHandler } from '../../src/io/index.js';
import { compileForTraining } from '../../src/runtime/training/index.js';
import { evaluateSet } from '../../src/train/loop.js';
import { sineIr } from './fixtures.js';
import { tempDir, train } from './helpers.js';

it('early stopping stops after `patience` epochs without improvement and the saved model is the best epoch', async () => {
  // A large learning rate makes the validation loss jump around, so the best epoch is rarely the last.
  const ir = sineIr({ train: { epochs: 12, optimizer: { type: 'adam', learningRate: 0.08, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, earlyStopping: { patience: 2, minDelta: 0, restoreBest: true } } });
  const root = await tempDir();
  const { result } = await train(ir, root);
  const losses = result.history.map((log) => log.metrics.val_loss);
  const best = losses.indexOf(Math.min(...losses));
  expect(result.bestEpoch).toBe(best + 1);
  // Training is deterministic: with this seed early stopping triggers two epochs after a best that is not the last.
  expect(result.status).toBe('early_stopping');
  expect(result.history).toHaveLength(best + 1 + 2);
  // The saved model's validation loss, measured afresh, is the best epoch's.
  const model = await tf.loadLayersModel(fileHandler(result.runDir));
  compileForTraining(model, ir.train, ir.heads);
  const data = await loadData(ir.data!, { baseDir: root, validationSplit: ir.train.validationSplit, shape: modelShape(ir), saved: null });
  const [loss] = await evaluateSet(model, data.validation, 16);
  expect(loss).toBeCloseTo(losses[best], 5);
});
