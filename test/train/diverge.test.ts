import { access, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { LOSS_GROWTH_EPOCHS, LOSS_GROWTH_FACTOR, lossGrowth } from '../../src/train/divergence.js';
import type { EpochLog, LoopState } from '../../src/train/types.js';
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

describe('lossGrowth (finite divergence)', () => {
  const epochs = (...losses: number[]): EpochLog[] => losses.map((loss, i) => ({ epoch: i + 1, learningRate: 0.1, seconds: 1, metrics: { loss } }));
  const limit = LOSS_GROWTH_FACTOR * 0.5;

  it(`fires when ${LOSS_GROWTH_EPOCHS} epochs in a row exceed ${LOSS_GROWTH_FACTOR}× the initial loss`, () => {
    expect(lossGrowth(0.5, epochs(limit * 2, limit * 3))).toEqual({
      cause: 'loss_growth',
      initialLoss: 0.5,
      epochs: [
        { epoch: 1, loss: limit * 2 },
        { epoch: 2, loss: limit * 3 },
      ],
    });
    expect(lossGrowth(0.5, epochs(0.4, 0.3, limit * 1.01, limit * 1.01))?.cause).toBe('loss_growth');
  });

  it('does not fire on one grown epoch, on a grown epoch that recovers, at exactly the factor, or on a falling loss', () => {
    expect(lossGrowth(0.5, epochs(limit * 10))).toBeNull();
    expect(lossGrowth(0.5, epochs(limit * 10, 0.4))).toBeNull();
    expect(lossGrowth(0.5, epochs(limit * 10, 0.4, limit * 10))).toBeNull();
    expect(lossGrowth(0.5, epochs(limit, limit))).toBeNull();
    expect(lossGrowth(0.5, epochs(0.5, 0.2, 0.1, 0.05))).toBeNull();
  });

  it('is off without a usable initial loss (a checkpoint from before it was recorded, or 0)', () => {
    expect(lossGrowth(undefined, epochs(1e30, 1e30))).toBeNull();
    expect(lossGrowth(0, epochs(1e30, 1e30))).toBeNull();
  });
});

describe('a loss that grows but stays finite', () => {
  afterEach(() => vi.restoreAllMocks());

  it('seqnet train with sgd at learning rate 10 (the largest check accepts) ends diverged with exit 1 and advice, saving no model', async () => {
    const dir = await tempDir();
    const spec = join(dir, 'tiny.seqnet');
    await writeFile(
      spec,
      [
        'seqnet 1',
        'model tiny',
        'input { steps 10; features 1 }',
        'lstm 4',
        'head y { units 1; at each_step; loss mse }',
        'train { optimizer sgd { learning_rate 10 }; epochs 4; batch_size 8; seed 1 }',
        'data { source synthetic sine_cosine { samples 40; steps 10 } }',
        '',
      ].join('\n'),
    );
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    process.exitCode = undefined;
    let code: number;
    try {
      code = await main(['train', spec, '--runs-dir', join(dir, 'runs')]);
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/the training loss stayed above 1000× the untrained model's loss \([\d.]+\) for 2 epochs in a row \(epoch 1: [\d.e+]+, epoch 2: [\d.e+]+\); training stopped as diverged\./);
    expect(out).toMatch(/The learning rate was 10\. Try a lower learning rate, gradient clipping/);
    const runDir = join(dir, 'runs', 'tiny', '1');
    expect((await readJson<{ status: string }>(join(runDir, 'run.json'))).status).toBe('diverged');
    await expect(access(join(runDir, 'model.json'))).rejects.toThrow();
    expect((await readJson<EpochLog[]>(join(runDir, 'history.json'))).map((log) => log.epoch)).toEqual([1, 2]);
  });
});
