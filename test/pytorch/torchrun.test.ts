/**
 * The PyTorch trainer (seqnet_train.py) end to end: `seqnet export-data`, `seqnet generate --target pytorch`,
 * then `torchrun` with two gloo processes on this machine. specs/sine.seqnet reaches a validation MSE below
 * 0.01 and `seqnet evaluate` on the run it writes gives the test loss it reported; a run killed after an
 * epoch resumes from its checkpoint to the very weights of an uninterrupted run, under torchrun's restarts
 * and without torchrun. Slow (minutes on a loaded machine): it trains.
 */
import { spawn } from 'node:child_process';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNS_FILE, runsSource } from '../../src/codegen/pytorch/runs-source.js';
import { TRAINER_FILE, trainerSource } from '../../src/codegen/pytorch/trainer-source.js';
import { PROJECT_ROOT, runCli } from '../cli/subprocess.js';
import { tempDir } from '../train/helpers.js';
import { PYTHON, pythonHas } from './python.js';

/**
 * Debian's torch 1.13 launcher under Python 3.11 cannot parse its default `--redirects 0 --tee 0`
 * (docs/scale.md); `--standalone` picks a free port, so parallel runs do not collide.
 */
const TORCHRUN = [PYTHON, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '2', '--tee', '2'];

interface Trainer {
  code: number | null;
  out: string;
  err: string;
  /** The --json lines: epochs, then the outcome. */
  lines: Record<string, unknown>[];
}

function launch(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<Trainer> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, out, err, lines });
    });
  });
}

/** Exports `spec`'s data and generates its module in `root`; generate writes the trainer and run helper beside it. */
async function prepare(root: string, spec: string, name: string): Promise<void> {
  const exported = await runCli(['export-data', spec, '--out', join(root, 'data', name)], { cwd: root });
  expect(exported.code, exported.err).toBe(0);
  const generated = await runCli(['generate', '--target', 'pytorch', spec, '--out', join(root, 'py')], { cwd: root });
  expect(generated.code, generated.err).toBe(0);
  expect(await readFile(join(root, 'py', RUNS_FILE), 'utf8')).toBe(runsSource());
  expect(await readFile(join(root, 'py', TRAINER_FILE), 'utf8')).toBe(trainerSource());
}

const trainerArgs = (name: string, runsDir: string, extra: string[] = []) => [join('py', TRAINER_FILE), '--model', join('py', `${name}.py`), '--data', join('data', name), '--runs-dir', runsDir, '--device', 'cpu', '--json', ...extra];

const epochs = (trainer: Trainer) => trainer.lines.filter((line) => 'epoch' in line && 'metrics' in line);
const outcome = (trainer: Trainer) => trainer.lines[trainer.lines.length - 1] as { status: string; runDir: string; epochs: number; test: { loss: number } };
const metrics = (trainer: Trainer) => epochs(trainer).map((line) => line.metrics);
const weights = (root: string, trainer: Trainer) => readFile(join(root, outcome(trainer).runDir, 'weights.bin'));
const exists = (path: string) => access(path).then(() => true, () => false);

describe.runIf(pythonHas(['numpy', 'torch']))('seqnet_train.py under torchrun', () => {
  let root: string;

  beforeAll(async () => {
    root = await tempDir();
    await prepare(root, join(PROJECT_ROOT, 'specs/sine.seqnet'), 'sine');
    // The sine spec with a fifth of its data, for the resume tests: four short runs.
    const sine = await readFile(join(PROJECT_ROOT, 'specs/sine.seqnet'), 'utf8');
    await writeFile(join(root, 'small.seqnet'), sine.replace('model sine', 'model small').replace('samples 1200', 'samples 240'));
    await prepare(root, join(root, 'small.seqnet'), 'small');
  }, 180_000);

  it('trains specs/sine.seqnet on two gloo processes below a validation MSE of 0.01; seqnet evaluate gives its test loss', async () => {
    const trainer = await launch([...TORCHRUN, ...trainerArgs('sine', 'runs')], root);
    expect(trainer.code, trainer.err).toBe(0);
    expect(trainer.out).toMatch(/^2 processes on cpu, 4 samples per process and batch$/m);
    const history = epochs(trainer);
    expect(history.length).toBeGreaterThan(0);
    const last = history[history.length - 1] as { metrics: { val_loss: number } };
    expect(last.metrics.val_loss).toBeLessThan(0.01);
    const result = outcome(trainer);
    expect(result).toMatchObject({ status: 'completed', runDir: join('runs', 'sine', '1') });
    const evaluated = await runCli(['evaluate', result.runDir, '--json'], { cwd: root });
    expect(evaluated.code, evaluated.err).toBe(0);
    const loss = (JSON.parse(evaluated.out) as { loss: number }).loss;
    expect(Math.abs(loss - result.test.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(loss)));
    const info = JSON.parse(await readFile(join(root, result.runDir, 'run.json'), 'utf8')) as { status: string; test: { loss: number }; backend: string };
    expect(info).toMatchObject({ status: 'completed', test: { loss: result.test.loss }, backend: 'pytorch (2 processes, cpu)' });
    expect(await exists(join(root, 'runs', 'sine', 'pytorch-checkpoint.pt'))).toBe(false);
  }, 900_000);

  it('resumes from the checkpoint after a crash, to the weights of an uninterrupted run, when torchrun restarts the workers', async () => {
    const settings = ['--epochs', '2'];
    const straight = await launch([...TORCHRUN, ...trainerArgs('small', 'straight', settings)], root);
    expect(straight.code, straight.err).toBe(0);
    // torchrun restarts the failed workers, which find the checkpoint of epoch 1.
    const restarted = await launch([...TORCHRUN, '--max_restarts', '1', ...trainerArgs('small', 'restarted', settings)], root, { SEQNET_TRAIN_FAULT: 'exit-after-epoch:1' });
    expect(restarted.code, restarted.err).toBe(0);
    expect(restarted.out).toMatch(/^resuming from restarted\/small\/pytorch-checkpoint.pt after epoch 1$/m);
    expect(metrics(restarted)).toEqual(metrics(straight));
    expect(metrics(straight)).toHaveLength(2);
    expect((await weights(root, restarted)).equals(await weights(root, straight))).toBe(true);
  }, 900_000);

  it('resumes a single process (no torchrun) run again by hand after a crash, to the same weights', async () => {
    const single = (runsDir: string) => [PYTHON, ...trainerArgs('small', runsDir, ['--epochs', '2'])];
    const straight = await launch(single('single'), root);
    expect(straight.code, straight.err).toBe(0);
    expect(straight.out).toMatch(/^1 process on cpu, 8 samples per process and batch$/m);
    const crashed = await launch(single('again'), root, { SEQNET_TRAIN_FAULT: 'exit-after-epoch:1' });
    expect(crashed.code).toBe(75);
    expect(await exists(join(root, 'again', 'small', 'pytorch-checkpoint.pt'))).toBe(true);
    const resumed = await launch(single('again'), root);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/^resuming from again\/small\/pytorch-checkpoint.pt after epoch 1$/m);
    expect([...metrics(crashed), ...metrics(resumed)]).toEqual(metrics(straight));
    expect((await weights(root, resumed)).equals(await weights(root, straight))).toBe(true);
  }, 900_000);
});
