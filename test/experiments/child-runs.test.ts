/**
 * experiments/child-runs.ts: every job runs in a process of its own, at most `parallel` at a time; progress and
 * results come back to the parent; a job that fails or whose process dies without a result is reported and the
 * others still run. The child is a small fixture speaking the protocol.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInChildProcesses } from '../../experiments/child-runs.js';

const CHILD = new URL('./fixtures/child-run.mjs', import.meta.url);

interface Job {
  value: number;
  mode: 'ok' | 'fail' | 'crash';
}

describe('runInChildProcesses', () => {
  it('runs every job and reports progress, results, failures and crashes', async () => {
    const jobs: Job[] = [
      { value: 1, mode: 'ok' },
      { value: 2, mode: 'fail' },
      { value: 3, mode: 'crash' },
      { value: 4, mode: 'ok' },
      { value: 5, mode: 'ok' },
    ];
    const progress: number[] = [];
    const results: [number, number][] = [];
    const failures: string[] = [];
    await runInChildProcesses<Job, number, number>(CHILD, jobs, 2, {
      onProgress: (job, value) => progress.push(job.value * 100 + value),
      onDone: async (job, { result, cpuSeconds }) => {
        results.push([job.value, result + cpuSeconds]);
      },
      onFailed: (job, message) => failures.push(`${job.value}: ${message}`),
    });
    expect(progress.sort((a, b) => a - b)).toEqual([101, 202, 303, 404, 505]);
    expect(results.sort((a, b) => a[0] - b[0])).toEqual([
      [1, 2.5],
      [4, 8.5],
      [5, 10.5],
    ]);
    expect(failures.sort()).toEqual(['2: job 2 failed', "3: the run's process ended (exit code 3) without a result"]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('stops its children when it is stopped with %s, even children that never yield', async (signal) => {
    const parent = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/stopped-parent.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids: number[] = [];
    let text = '';
    parent.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      parent.stdout.on('data', (chunk: string) => {
        text += chunk;
        pids.splice(0, pids.length, ...[...text.matchAll(/child (\d+)\n/g)].map((match) => Number(match[1])));
        if (pids.length === 2) resolve();
      });
    });
    const exited = once(parent, 'exit');
    parent.kill(signal);
    const [, parentSignal] = (await exited) as [number | null, NodeJS.Signals | null];
    // The parent ends as the signal would have ended it, and neither child outlives it.
    expect(parentSignal).toBe(signal);
    for (const pid of pids) await expect.poll(() => isAlive(pid), { timeout: 10_000 }).toBe(false);
  }, 30_000);
});

/** Whether a process exists (a signal 0 reaches it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

