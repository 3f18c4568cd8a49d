/**
 * The matmul helper thread as a user meets it (the compiled CLI, whose helper script exists): a one-thread
 * wasm run of a model whose per-step product reaches the threshold says `+ matmul helper` in its backend line
 * and ends with the same weight bytes as the run with `SEQNET_MATMUL_HELPER=0`, which does not start it.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_SPLIT_WORK } from '../../src/backend/matmul-helper.js';
import { runCli } from './subprocess.js';

/** Batch 32 × 90 units × 4·90: a per-step product of 1 036 800 multiply-adds, just over the threshold. */
const SPEC = `seqnet 1
model helped
input { steps 6
  features 1 }
lstm 90
head y { units 1
  at each_step
  loss mse }
train { epochs 1
  batch_size 32
  seed 5 }
data { source synthetic sine_cosine { samples 80; steps 6 } }
`;

let root: string;
let spec: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqnet-helper-'));
  spec = join(root, 'helped.seqnet');
  await writeFile(spec, SPEC);
});

describe('seqnet train with the matmul helper thread', () => {
  it('says so in the backend line and trains to the bytes of the run without it', async () => {
    expect(32 * 90 * 4 * 90).toBeGreaterThanOrEqual(MIN_SPLIT_WORK);
    const runs = join(root, 'runs');
    const args = ['train', spec, '--backend', 'wasm', '--threads', '1', '--runs-dir', runs];
    const helped = await runCli(args, { cwd: root });
    const alone = await runCli(args, { cwd: root, env: { SEQNET_MATMUL_HELPER: '0' } });
    expect(helped.code, helped.err).toBe(0);
    expect(alone.code, alone.err).toBe(0);
    // The notes go to stdout, or to stderr with --json.
    const backendLine = (run: { out: string; err: string }) => `${run.out}\n${run.err}`.split('\n').find((line) => line.startsWith('backend: '));
    expect(backendLine(helped)).toMatch(/^backend: wasm .* · 1 thread \+ matmul helper$/);
    expect(backendLine(alone)).toMatch(/^backend: wasm .* · 1 thread$/);
    const [first, second] = await Promise.all([readFile(join(runs, 'helped', '1', 'weights.bin')), readFile(join(runs, 'helped', '2', 'weights.bin'))]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.equals(first)).toBe(true);
  });
});
