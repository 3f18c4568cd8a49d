/**
 * `npm run bench -- train`: the headline training run, `specs/sine.seqnet` on the wasm backend: wall time to the
 * first epoch with validation MSE below 0.01, total time, and the final validation and test MSE.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { trainSpec, type EpochLog } from '../src/train/index.js';

/** Swallows the progress lines; the table below is the output. */
const quiet = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

export async function run(): Promise<void> {
  const runsDir = await mkdtemp(join(tmpdir(), 'seqnet-bench-'));
  try {
    const started = performance.now();
    const result = await trainSpec('specs/sine.seqnet', { runsDir, backend: 'wasm', streams: { out: quiet(), err: quiet() } });
    const total = (performance.now() - started) / 1000;
    let elapsed = 0;
    let reached: EpochLog | null = null;
    for (const log of result.history) {
      elapsed += log.seconds;
      if (reached === null && log.metrics.val_loss < 0.01) reached = { ...log, seconds: elapsed };
    }
    const last = result.history[result.history.length - 1];
    const rows = [
      ['epochs', String(result.history.length)],
      ['total seconds (start-up, data, training, saving)', total.toFixed(1)],
      ['training seconds to val MSE < 0.01', reached === null ? 'not reached' : `${reached.seconds.toFixed(1)} (epoch ${reached.epoch})`],
      ['final val MSE', last.metrics.val_loss.toFixed(4)],
      ['test MSE', result.test === null ? '–' : result.test.loss.toFixed(4)],
    ];
    process.stdout.write(`| sine.seqnet on wasm | value |\n|---|---|\n${rows.map(([name, value]) => `| ${name} | ${value} |`).join('\n')}\n`);
  } finally {
    await rm(runsDir, { recursive: true, force: true });
  }
}
