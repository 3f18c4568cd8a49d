import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoopState } from '../../src/train/types.js';
import { sineIr } from './fixtures.js';
import { readJson, tempDir, train } from './helpers.js';

const SGD = { type: 'sgd' as const, momentum: 0, nesterov: false };

describe('a loss that stops being finite', () => {
  it('stops training with advice and saves no model', async () => {
    const root = await tempDir();
    // Plain SGD at 1e12 without clipping overflows within the first epoch.
    const ir = sineIr({ train: { optimizer: { ...SGD, learningRate: 1e12 }, clipNorm: null, epochs: 3 } });
    const { result, out } = await train(ir, root);
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/^the loss became (NaN|Infinity) at epoch 1, batch \d+; training stopped\. No epoch finished, so there is no checkpoint\./);
    expect(result.message).toMatch(/lower learning rate, gradient clipping \(`clip norm 1`/);
    expect(out).toContain(result.message);
    await expect(access(join(result.runDir, 'model.json'))).rejects.toThrow();
    expect(await readdir(result.runDir)).not.toContain('checkpoint');
  });

  it('keeps the checkpoint of the last epoch that ended with finite losses', async () => {
    const root = await tempDir();
    // A step schedule that multiplies the rate by 1e15 after epoch 1: epoch 1 is sane, epoch 2 diverges.
    const ir = sineIr({ train: { optimizer: { ...SGD, learningRate: 0.001 }, clipNorm: null, epochs: 3, schedule: { type: 'step', every: 1, factor: 1e15 } } });
    const { result } = await train(ir, root);
    expect(result.status).toBe('diverged');
    expect(result.message).toMatch(/at epoch 2, batch \d+; training stopped\. The last good checkpoint \(after epoch 1\) is in /);
    const state = await readJson<LoopState>(join(result.runDir, 'checkpoint', 'state.json'));
    expect([state.epoch, state.batch]).toEqual([1, 0]);
    expect(Number.isFinite(state.history[0].metrics.loss)).toBe(true);
  });
});
