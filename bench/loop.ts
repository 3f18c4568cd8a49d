/**
 * `npm run bench -- loop`: where one `seqnet train` batch's time goes, outside the recurrent layer too. For each
 * example spec it trains a few batches the way the training loop does and splits each batch, by wall time and
 * by tfjs kernels (`tf.profile`), into: gathering the batch, forward + backward (layers, heads, losses and
 * metrics, recorded on tfjs's tape), the NaN guard and clipping, the optimizer update, reading the loss back,
 * and the per-batch bookkeeping; then the per-epoch costs (validation, checkpoint). Times on these shared
 * machines are noisy: the shares within one batch, and the kernel counts, are what to compare.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend/index.js';
import { compileModel } from '../src/compile/index.js';
import { loadData, modelShape, type SampleSet } from '../src/data/index.js';
import { seedRandom } from '../src/runtime/random.js';
import type { GuardedOptimizer } from '../src/runtime/training/index.js';
import { batchesOf, gatherBatch } from '../src/train/batches.js';
import { saveCheckpoint } from '../src/train/checkpoint.js';
import { evaluateSet } from '../src/train/loop.js';
import { BarReporter } from '../src/train/progress.js';
import { resolveIr } from '../src/train/session.js';
import type { LoopState } from '../src/train/types.js';
import { loadSpecFile } from '../src/validate/index.js';

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

const SPECS = ['specs/sine.seqnet', 'specs/copy_classifier.seqnet', 'specs/char_lm.seqnet'];
/** Batches timed per spec (after one warm-up batch), enough for a stable median on a loaded machine. */
const BATCHES = 6;

type Phase = 'gather' | 'forward + backward' | 'NaN guard + clipping' | 'optimizer update' | 'loss read-back, rest of trainOnBatch' | 'progress';
const PHASES: Phase[] = ['gather', 'forward + backward', 'NaN guard + clipping', 'optimizer update', 'loss read-back, rest of trainOnBatch', 'progress'];

interface Sample {
  ms: Record<Phase, number>;
  kernels: Record<Phase, number>;
}

/** A stream that swallows what is written but claims to be a terminal, so the progress bar really draws. */
const fakeTerminal = (): Writable & { isTTY: boolean; columns: number } =>
  Object.assign(new Writable({ write: (_chunk, _encoding, done) => done() }), { isTTY: true, columns: 120 });

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Marks, in the profile being recorded, where the optimizer's phases start and end. */
function instrument(optimizer: GuardedOptimizer, marks: Map<string, { ms: number; kernels: number }>): void {
  const kernelsSoFar = (): number => (tf.engine().state.activeProfile.kernels ?? []).length;
  const mark = (name: string): void => void marks.set(name, { ms: performance.now(), kernels: kernelsSoFar() });
  const guarded = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (gradients) => (mark('guard'), guarded(gradients), mark('end'));
  const inner = optimizer.inner.applyGradients.bind(optimizer.inner);
  optimizer.inner.applyGradients = (gradients) => (mark('inner'), inner(gradients), mark('innerEnd'));
}

/**
 * One batch, split into phases by wall time, or by kernel count when `profiled` (tfjs's profiler reads every
 * kernel's output back, so its batches are far slower and only their kernel counts mean anything).
 */
async function timeBatch(model: tf.LayersModel, set: SampleSet, indices: number[], reporter: BarReporter, marks: Map<string, { ms: number; kernels: number }>, profiled: boolean): Promise<Sample> {
  const t0 = performance.now();
  const batch = gatherBatch(set, indices);
  const t1 = performance.now();
  const train = async (): Promise<void> => void (await model.trainOnBatch(batch.x, batch.y));
  const total = profiled ? (await tf.profile(train)).kernels.length : (await train(), 0);
  const t2 = performance.now();
  reporter.batchEnd(1, 0.5, 0);
  const t3 = performance.now();
  tf.dispose([batch.x, batch.y]);
  const at = (name: string): { ms: number; kernels: number } => marks.get(name) as { ms: number; kernels: number };
  return {
    ms: {
      gather: t1 - t0,
      'forward + backward': at('guard').ms - t1,
      'NaN guard + clipping': at('inner').ms - at('guard').ms,
      'optimizer update': at('innerEnd').ms - at('inner').ms,
      'loss read-back, rest of trainOnBatch': t2 - at('innerEnd').ms,
      progress: t3 - t2,
    },
    kernels: {
      gather: 2,
      'forward + backward': at('guard').kernels,
      'NaN guard + clipping': at('inner').kernels - at('guard').kernels,
      'optimizer update': at('innerEnd').kernels - at('inner').kernels,
      'loss read-back, rest of trainOnBatch': total - at('innerEnd').kernels,
      progress: 0,
    },
  };
}

/** Kernel names by total time over the profiled batches (a kernel that runs others counts them too). */
function topKernels(profiles: ProfileInfo[], count: number): string {
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const kernel of profiles.flatMap((profile) => profile.kernels)) {
    const entry = byName.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
    entry.calls += 1;
    byName.set(kernel.name, entry);
  }
  const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, count);
  return rows.map(([name, { ms, calls }]) => `${name} ${(ms / profiles.length).toFixed(1)} ms (${calls / profiles.length}×)`).join(', ');
}

async function profileSpec(path: string, runsDir: string): Promise<void> {
  const { ir } = await loadSpecFile(path);
  if (ir === null) throw new Error(`${path} is not a valid spec`);
  const resolved = resolveIr(ir, dirname(resolve(path)), {});
  const data = await loadData(resolved.data, { baseDir: dirname(resolve(path)), validationSplit: resolved.train.validationSplit, shape: modelShape(resolved), saved: null });
  seedRandom(resolved.train.seed);
  const model = compileModel(resolved, { seed: resolved.train.seed });
  const marks = new Map<string, { ms: number; kernels: number }>();
  instrument(model.optimizer as unknown as GuardedOptimizer, marks);
  const reporter = new BarReporter({ out: fakeTerminal(), err: fakeTerminal() });
  const batches = batchesOf(Array.from({ length: data.train.count }, (_, i) => i), resolved.train.batchSize);
  reporter.epochStart(1, 1, batches.length, 0);
  const samples: Sample[] = [];
  for (let k = 0; k <= BATCHES; k++) {
    const sample = await timeBatch(model, data.train, batches[k % batches.length], reporter, marks, false);
    if (k > 0) samples.push(sample);
  }
  const counted = await timeBatch(model, data.train, batches[0], reporter, marks, true);
  const kernelProfiles: ProfileInfo[] = [];
  for (let k = 0; k < 2; k++) {
    const batch = gatherBatch(data.train, batches[k]);
    kernelProfiles.push(await tf.profile(async () => void (await model.trainOnBatch(batch.x, batch.y))));
    tf.dispose([batch.x, batch.y]);
  }
  reporter.close();
  const perEpoch = await epochCosts(model, data.validation, resolved.train.batchSize, runsDir);
  const batchMs = PHASES.reduce((sum, phase) => sum + median(samples.map((s) => s.ms[phase])), 0);
  const rows = PHASES.map((phase) => {
    const ms = median(samples.map((s) => s.ms[phase]));
    return `| ${phase} | ${ms.toFixed(2)} | ${((100 * ms) / batchMs).toFixed(1)}% | ${counted.kernels[phase]} |`;
  });
  process.stdout.write(
    `\n### ${path}: ${batches.length} batches of ${resolved.train.batchSize} per epoch\n\n| per batch | ms (median) | share | tfjs kernels |\n|---|---|---|---|\n${rows.join('\n')}\n` +
      `| **batch** | **${batchMs.toFixed(2)}** | | |\n\n` +
      `per epoch: validation ${perEpoch.validation.toFixed(0)} ms (${data.validation.count} samples), checkpoint ${perEpoch.checkpoint.toFixed(0)} ms; ` +
      `whole epoch ≈ ${((batchMs * batches.length + perEpoch.validation + perEpoch.checkpoint) / 1000).toFixed(1)} s\n\n` +
      `kernels by time per batch (under tf.profile, which slows every kernel): ${topKernels(kernelProfiles, 8)}\n`,
  );
  model.dispose();
}

async function epochCosts(model: tf.LayersModel, validation: SampleSet, batchSize: number, runsDir: string): Promise<{ validation: number; checkpoint: number }> {
  const t0 = performance.now();
  if (validation.count > 0) await evaluateSet(model, validation, batchSize);
  const t1 = performance.now();
  const state = { epoch: 1, batch: 0, epochShuffleState: 0, shuffleState: 0, randomState: 0, partial: { seen: 0, sums: [], seconds: 0, skipped: 0 }, skippedInARow: 0, monitor: {}, history: [], stopped: 'running' } as unknown as LoopState;
  await saveCheckpoint(runsDir, model, state, null);
  return { validation: t1 - t0, checkpoint: performance.now() - t1 };
}

export async function run(): Promise<void> {
  const backend = await selectBackend('wasm');
  process.stdout.write(`${backend.notes.join('\n')}\n`);
  const runsDir = await mkdtemp(join(tmpdir(), 'seqnet-bench-loop-'));
  try {
    for (const path of SPECS) await profileSpec(path, runsDir);
  } finally {
    await rm(runsDir, { recursive: true, force: true });
  }
}
