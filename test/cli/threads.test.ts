/**
 * `seqnet train --threads N` as a user runs it (the compiled CLI, whose worker script exists): the backend
 * line names the thread count, a two-thread epoch reports the one-thread epoch's loss, a two-thread run
 * killed mid-epoch and resumed ends with the uninterrupted run's bytes, and a count out of range is refused
 * with exit 2 before anything is trained.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from './subprocess.js';

/** A per-step BN-LSTM, so the two-thread run also reduces batch statistics across its workers. */
const BN_SPEC = `seqnet 1
model tiny_bn
input { steps 8
  features 1 }
lstm 6 { norm cooijmans2016 { max_steps 8 } }
head y { units 1
  at each_step
  loss mse }
train { epochs 1
  batch_size 9
  seed 2 }
data { source synthetic sine_cosine { samples 40; steps 8 } }
`;

let root: string;
let spec: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqnet-threads-'));
  spec = join(root, 'tiny_bn.seqnet');
  await writeFile(spec, BN_SPEC);
});

function epochLoss(out: string): number {
  const epoch = out.split('\n').find((line) => line.includes('"type":"epoch"'));
  if (epoch === undefined) throw new Error(`no epoch line in: ${out}`);
  return (JSON.parse(epoch) as { loss: number }).loss;
}

describe('seqnet train --threads', () => {
  it('trains on two threads to the one-thread loss, says so in the backend line, and resumes a killed run exactly', async () => {
    const runs = join(root, 'runs');
    const one = await runCli(['train', spec, '--threads', '1', '--epochs', '1', '--json', '--runs-dir', runs], { cwd: root });
    const two = await runCli(['train', spec, '--threads', '2', '--epochs', '2', '--json', '--runs-dir', runs], { cwd: root });
    expect(one.code, one.err).toBe(0);
    expect(two.code, two.err).toBe(0);
    expect(one.err).toMatch(/^backend: .* · 1 thread$/m);
    expect(two.err).toMatch(/^backend: .* · 2 threads$/m);
    expect(epochLoss(two.out)).toBeCloseTo(epochLoss(one.out), 5);
    // 32 training samples in batches of 9: four batches an epoch, so the kill lands in the second epoch.
    const killed = await runCli(['train', spec, '--threads', '2', '--epochs', '2', '--runs-dir', runs], { cwd: root, env: { SEQNET_FAULT: 'after-batch@6:SIGKILL' } });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await runCli(['train', '--resume', join(runs, 'tiny_bn', '3'), '--threads', '2'], { cwd: root });
    expect(resumed.code, resumed.err).toBe(0);
    const [straight, again] = await Promise.all([readFile(join(runs, 'tiny_bn', '2', 'weights.bin')), readFile(join(runs, 'tiny_bn', '3', 'weights.bin'))]);
    expect(again.equals(straight)).toBe(true);
  });

  it('refuses a thread count out of range with one line and exit 2', async () => {
    const run = await runCli(['train', spec, '--threads', '65', '--runs-dir', join(root, 'refused')], { cwd: root });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--threads needs a whole number from 1 to 64 \(got '65'\)/);
    expect(run.err).not.toMatch(STACK_FRAME);
  });
});
