/**
 * A training run survives a Ctrl-C or a kill at every enumerated point: the real CLI (`node bin/seqnet.js`,
 * so run `npm run build` first) trains a tiny spec with the test-only fault hook (src/io/faults.ts) sending
 * SIGINT or SIGKILL at one point; then `--resume` (when the run did not finish by itself) must succeed, the
 * finished run must evaluate, and its weights must be byte for byte those of an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun, type RunInfo } from '../../src/train/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin', 'seqnet.js');

/** 32 training samples in batches of 8: 4 batches per epoch, 2 epochs. */
const SPEC = `seqnet 1
model tiny
input {
  steps 6
  features 1
}
lstm 3
head y {
  units 1
  at each_step
  loss mse
}
train {
  epochs 2
  batch_size 8
  seed 1
}
data {
  source synthetic sine_cosine { samples 40; steps 6 }
}
`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function cli(args: string[], fault?: string): Promise<Exit> {
  const env = { ...process.env, SEQNET_FAULT: fault ?? '' };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

/** Fails early, with what to do, when dist/ is missing or older than the sources it is built from. */
async function assertBuilt(): Promise<void> {
  const built = await stat(join(ROOT, 'dist', 'src', 'cli', 'main.js')).catch(() => null);
  if (built === null) throw new Error('dist/ is missing: run `npm run build` before this test');
  const sources = await readdir(join(ROOT, 'src'), { recursive: true });
  for (const name of sources.filter((file) => file.endsWith('.ts'))) {
    if ((await stat(join(ROOT, 'src', name))).mtimeMs > built.mtimeMs) throw new Error(`src/${name} is newer than dist/: run \`npm run build\` before this test`);
  }
}

/** Generous limits: each case starts two or three Node processes, which a busy machine makes slow. */
const SLOW_MACHINE_TIMEOUT = 240_000;

let root: string;
let spec: string;
let reference: Uint8Array;

beforeAll(async () => {
  await assertBuilt();
  root = await mkdtemp(join(tmpdir(), 'seqnet-kill-'));
  spec = join(root, 'tiny.seqnet');
  await writeFile(spec, SPEC);
  const straight = await cli(['train', spec, '--runs-dir', join(root, 'reference'), '--backend', 'cpu']);
  expect(straight.code, straight.err).toBe(0);
  reference = new Uint8Array(await readFile(join(root, 'reference', 'tiny', '1', 'weights.bin')));
}, SLOW_MACHINE_TIMEOUT);

/**
 * Each point with the exit status of a SIGINT there: 130 while training goes on (a checkpoint is written and
 * the run stops), 0 once training is over (the Ctrl-C is acknowledged and the final save completes).
 * Occurrences (`@n`) count from the start: commits (manifest:before-write) are the run's start, then two per
 * checkpoint, then the final model (6th), history and run.json.
 */
const POINTS: [fault: string, sigintExit: number][] = [
  ['after-batch@3', 130],
  ['after-batch@6', 130],
  ['checkpoint:after-weights@1', 130],
  ['checkpoint:before-rename@2', 0],
  ['checkpoint:between-renames@2', 0],
  ['checkpoint:after-swap@2', 0],
  ['final-save:after-weights', 0],
  ['final-save:before-run-json', 0],
  ['manifest:before-write@6', 0],
];

const CASES = [
  ...POINTS.flatMap(([fault, sigintExit]) => [
    { fault: `${fault}:SIGINT`, first: { code: sigintExit, signal: null } },
    { fault: `${fault}:SIGKILL`, first: { code: null, signal: 'SIGKILL' } },
  ]),
  // A polite kill (a container stopping) is handled as Ctrl-C is, with its own exit status (128 + 15).
  { fault: 'after-batch@3:SIGTERM', first: { code: 143, signal: null } },
];

describe('kill points', () => {
  it.concurrent.each(CASES)('$fault: the run finishes with the uninterrupted run’s weights', async ({ fault, first }) => {
    const runsDir = await mkdtemp(join(root, 'runs-'));
    const runDir = join(runsDir, 'tiny', '1');
    const stopped = await cli(['train', spec, '--runs-dir', runsDir, '--backend', 'cpu'], fault);
    expect({ code: stopped.code, signal: stopped.signal }, stopped.err).toEqual(first);
    if (first.code === 130 || first.code === 143) expect(stopped.out).toContain(`Resume with: seqnet train --resume ${runDir}`);
    if (first.code !== 0) {
      const resumed = await cli(['train', '--resume', runDir, '--backend', 'cpu']);
      expect(resumed.code, resumed.err).toBe(0);
    }
    expect(new Uint8Array(await readFile(join(runDir, 'weights.bin')))).toEqual(reference);
    const info = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8')) as RunInfo;
    expect([info.status, info.pid]).toEqual(['completed', undefined]);
    expect((await readdir(runDir)).filter((name) => name.includes('.tmp-') || name === 'checkpoint.previous')).toEqual([]);
    expect(await readFile(join(runDir, 'manifest.json'), 'utf8')).not.toContain('previous');
    const evaluation = await evaluateRun(runDir, { backend: 'cpu' });
    expect(Number.isFinite(evaluation.metrics.loss)).toBe(true);
  }, SLOW_MACHINE_TIMEOUT);
});
