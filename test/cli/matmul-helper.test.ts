/**
 * The matmul helper thread as a user meets it (the compiled CLI, whose helper script exists): `seqnet train`,
 * `evaluate` and `predict` of a model whose per-step product reaches the threshold say `+ matmul helper` in
 * their backend line, end with the same bytes (weights, metrics, predictions) as the runs with
 * `SEQNET_MATMUL_HELPER=0`, which do not start it, and exit (no worker thread left running), a command that
 * fails after starting it included.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_SPLIT_WORK } from '../../src/backend/matmul-helper.js';
import { runCli, type CliRun } from './subprocess.js';

/**
 * Batch 32 × 180 units × 4·180: a per-step training product of 4 147 200 multiply-adds, just over the
 * threshold; the test split (40 of 400 samples) and the 40 inputs predicted are larger batches still.
 */
const SPEC = `seqnet 1
model helped
input { steps 6
  features 1 }
lstm 180
head y { units 1
  at each_step
  loss mse }
train { epochs 1
  batch_size 32
  seed 5 }
data { source synthetic sine_cosine { samples 400; steps 6 } }
`;

const INPUTS = Array.from({ length: 40 }, (_, i) => JSON.stringify({ x: Array.from({ length: 6 }, (_, s) => [Math.sin(0.3 * (i + s))]) })).join('\n');

let root: string;
let spec: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqnet-helper-'));
  spec = join(root, 'helped.seqnet');
  await writeFile(spec, SPEC);
  await writeFile(join(root, 'in.jsonl'), `${INPUTS}\n`);
});

const OFF = { SEQNET_MATMUL_HELPER: '0' };

/** The line naming the backend (on stdout, or on stderr for predict and with --json). */
const backendLine = (run: CliRun) => `${run.out}\n${run.err}`.split('\n').find((line) => line.startsWith('backend: '));

function expectBoth(helped: CliRun, alone: CliRun): void {
  expect(helped.code, helped.err).toBe(0);
  expect(alone.code, alone.err).toBe(0);
  expect(backendLine(helped)).toMatch(/^backend: wasm .* \+ matmul helper$/);
  expect(backendLine(alone)).toMatch(/^backend: wasm [^+]*$/);
}

describe('the matmul helper thread in the CLI', () => {
  it('trains, evaluates and predicts with it, to the bytes of the runs without it', async () => {
    expect(32 * 180 * 4 * 180).toBeGreaterThanOrEqual(MIN_SPLIT_WORK);
    const runs = join(root, 'runs');
    const train = ['train', spec, '--backend', 'wasm', '--threads', '1', '--runs-dir', runs];
    const [helpedRun, aloneRun] = [join(runs, 'helped', '1'), join(runs, 'helped', '2')];
    const trained = await runCli(train, { cwd: root });
    expectBoth(trained, await runCli(train, { cwd: root, env: OFF }));
    expect(backendLine(trained)).toMatch(/ · 1 thread \+ matmul helper$/);
    const [first, second] = await Promise.all([readFile(join(helpedRun, 'weights.bin')), readFile(join(aloneRun, 'weights.bin'))]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.equals(first)).toBe(true);

    // The same trained run evaluated and predicted with the helper and without it.
    const evaluate = ['evaluate', helpedRun, '--backend', 'wasm'];
    const [evaluated, evaluatedAlone] = [await runCli(evaluate, { cwd: root }), await runCli(evaluate, { cwd: root, env: OFF })];
    expectBoth(evaluated, evaluatedAlone);
    const metrics = (run: CliRun) => run.out.split('\n').filter((line) => !line.startsWith('backend: '));
    expect(metrics(evaluated).join('\n')).toMatch(/^40 samples of the test split/);
    expect(metrics(evaluated)).toEqual(metrics(evaluatedAlone));

    const predict = (out: string) => ['predict', helpedRun, '--backend', 'wasm', '--input', 'in.jsonl', '--output', out];
    expectBoth(await runCli(predict('helped.jsonl'), { cwd: root }), await runCli(predict('alone.jsonl'), { cwd: root, env: OFF }));
    const [helpedOut, aloneOut] = await Promise.all([readFile(join(root, 'helped.jsonl'), 'utf8'), readFile(join(root, 'alone.jsonl'), 'utf8')]);
    expect(helpedOut.split('\n')).toHaveLength(41);
    expect(helpedOut).toBe(aloneOut);
  }, 120_000);

  it('exits with a one-line error when the command fails after starting it', async () => {
    const csvSpec = join(root, 'from-csv.seqnet');
    await writeFile(csvSpec, SPEC.replace('model helped', 'model from_csv').replace(/data \{.*\}/, 'data { source csv "missing.csv" { features y; targets y; window 6; horizon 1 } }'));
    // The data file is read after the helper started.
    const failed = await runCli(['train', csvSpec, '--backend', 'wasm', '--threads', '1', '--runs-dir', join(root, 'runs')], { cwd: root });
    expect(backendLine(failed)).toMatch(/\+ matmul helper$/);
    expect(failed.code).toBe(2);
    expect(failed.err.trim().split('\n')).toHaveLength(1);
    expect(failed.err).toMatch(/missing\.csv/);
  }, 60_000);
});
