/**
 * `npm run experiment -- mnist [--epochs N] [--seeds K] …`: Cooijmans et al. 2016, Figure 2 at this machine's
 * scale. The three variants (LSTM, BN-LSTM, LN-LSTM) on both orders (sequential, permuted), K seeds each, two
 * runs at a time in child processes (both cores). After every finished run the results file is rewritten, so a
 * stopped experiment keeps what it finished and a rerun with the same settings skips it. At the end: the figure,
 * a markdown table and the total wall and CPU time.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ExperimentContext } from '../context.js';
import { UsageError } from '../context.js';
import { runInChildProcesses } from '../child-runs.js';
import { ExperimentError, loadExperimentSpec, writeResult } from '../shared.js';
import { ORDERS, VARIANTS, parseResults, planRuns, remainingRuns, settingsKey, specHash, type ResultsFile, type RunJob, type RunRecord, type RunSettings, type Order, type VariantName } from './plan.js';
import { figure, summaryTable } from './summary.js';
import type { CurvePoint, RunMeasurements } from './train.js';

/**
 * The defaults fit the hour on this 2-core machine. Measured 12:10–12:30 UTC (one epoch = 80 updates, with four
 * validation points, the test set and the process's start, on the loaded machine): 25 s of CPU for the LSTM,
 * 56 s for the LN-LSTM, 132 s for the BN-LSTM before its compiled kernels (~50 s expected after). That is
 * ~130 s per order and seed and epoch, so 2 orders × 3 seeds × 8 epochs ≈ 105 CPU-minutes, ~50 minutes on two
 * cores, fewer when the machine is quiet. An evaluation of the 1 000 validation digits costs about 5 updates:
 * one every 40 updates adds ~12 %, one every 20 would add ~25 % for a finer count of the updates to reach an
 * accuracy.
 */
const DEFAULT_EPOCHS = 8;
const DEFAULT_EVALUATE_EVERY = 40;

export const MNIST_USAGE = `mnist options:
  --epochs N          epochs per run (default 8: 640 updates)
  --seeds K           seeds 1…K per variant and order (default 3)
  --evaluate-every U  a validation point every U updates (default 40)
  --thresholds A,B    validation accuracies whose first crossing the table reports (default 0.5,0.7)
  --parallel P        runs at a time, one process each (default 2)
  --variants LIST     some of lstm,bn_lstm,ln_lstm (default all)
  --orders LIST       some of sequential,permuted (default both)
  --results FILE      the results file (default experiments/results/mnist.json)
  --figure FILE       the figure (default docs/experiments/mnist.svg)
  --fresh             ignore the results file's finished runs (it is overwritten)`;

export interface MnistOptions {
  epochs: number;
  seeds: number;
  evaluateEvery: number;
  thresholds: number[];
  parallel: number;
  variants: VariantName[];
  orders: Order[];
  results: string;
  figure: string;
  fresh: boolean;
}

function positiveInteger(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} takes a whole number of at least 1, not '${text}'`);
  return value;
}

function fractions(text: string | undefined): number[] {
  if (text === undefined) return [0.5, 0.7];
  const values = text.split(',').map(Number);
  if (values.some((value) => !(value > 0 && value <= 1))) throw new UsageError(`--thresholds takes accuracies in (0, 1] separated by commas, not '${text}'`);
  return values;
}

/** A comma-separated subset of `allowed` (all of it when not given). */
function subset<T extends string>(text: string | undefined, allowed: readonly T[], flag: string): T[] {
  if (text === undefined) return [...allowed];
  const chosen = text.split(',');
  const unknown = chosen.filter((name) => !(allowed as readonly string[]).includes(name));
  if (unknown.length > 0 || chosen.length === 0) throw new UsageError(`${flag} takes some of ${allowed.join(',')}, not '${text}'`);
  return allowed.filter((name) => chosen.includes(name));
}

/** The options from the command line after `mnist`; paths relative to the repository root. */
export function parseMnistOptions(args: string[], root: string): MnistOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        epochs: { type: 'string' },
        seeds: { type: 'string' },
        'evaluate-every': { type: 'string' },
        thresholds: { type: 'string' },
        parallel: { type: 'string' },
        variants: { type: 'string' },
        orders: { type: 'string' },
        results: { type: 'string' },
        figure: { type: 'string' },
        fresh: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  return {
    epochs: positiveInteger(text('epochs'), DEFAULT_EPOCHS, '--epochs'),
    seeds: positiveInteger(text('seeds'), 3, '--seeds'),
    evaluateEvery: positiveInteger(text('evaluate-every'), DEFAULT_EVALUATE_EVERY, '--evaluate-every'),
    thresholds: fractions(text('thresholds')),
    parallel: positiveInteger(text('parallel'), 2, '--parallel'),
    variants: subset(text('variants'), VARIANTS.map(({ name }) => name), '--variants'),
    orders: subset(text('orders'), ORDERS, '--orders'),
    results: resolve(root, text('results') ?? join('experiments', 'results', 'mnist.json')),
    figure: resolve(root, text('figure') ?? join('docs', 'experiments', 'mnist.svg')),
    fresh: values.fresh === true,
  };
}

const specPath = (root: string, settings: Pick<RunSettings, 'order' | 'variant'>): string => join(root, 'experiments', 'mnist', `${settings.order}_${settings.variant}.seqnet`);

/** Each spec's hash, after checking that the spec is valid and measures the accuracy. */
async function hashSpecs(root: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const order of ORDERS) {
    for (const { name } of VARIANTS) {
      const path = specPath(root, { order, variant: name });
      const ir = await loadExperimentSpec(path);
      // The runs read the accuracy as the model's first metric: one head, measuring it first.
      if (ir.heads.length !== 1 || ir.heads[0].metrics[0] !== 'categorical_accuracy') throw new ExperimentError(`${path}: the experiment needs one head and 'metrics categorical_accuracy' first in the train block`);
      hashes.set(`${order}_${name}`, specHash(await readFile(path, 'utf8')));
    }
  }
  return hashes;
}

/** The finished runs of earlier invocations (none with --fresh or without a file). */
async function readFinished(path: string, fresh: boolean): Promise<RunRecord[]> {
  if (fresh) return [];
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ExperimentError(`${path}: cannot read the results file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
  }
  return parseResults(text, path);
}

const runName = (settings: RunSettings): string => `${settings.order} ${settings.variant} seed ${settings.seed}`;

export async function runMnist(context: ExperimentContext): Promise<void> {
  const options = parseMnistOptions(context.args, context.root);
  const planned = planRuns({ ...options, backend: context.backend }, await hashSpecs(context.root));
  const finished = await readFinished(options.results, options.fresh);
  const { toRun, done } = remainingRuns(planned, finished);
  // Runs of other settings stay in the file (a quick trial must not erase a finished experiment's runs).
  const plannedKeys = new Set(planned.map(settingsKey));
  const others = finished.filter((record) => !plannedKeys.has(settingsKey(record.settings)));
  const runs = [...done];
  // Paths inside the repository relative to it, others as given.
  const show = (path: string): string => (relative(context.root, path).startsWith('..') ? path : relative(context.root, path));
  context.print(
    `${planned.length} runs (${options.variants.length} variants × ${options.orders.length} orders × ${options.seeds} seeds, ${options.epochs} epochs, a validation point every ${options.evaluateEvery} updates, ${options.parallel} at a time on ${context.backend})` +
      `${done.length > 0 ? `; ${done.length} finished earlier with the same settings (${show(options.results)}), ${toRun.length} to run` : ''}`,
  );
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  let childCpuSeconds = 0;
  const failures: string[] = [];
  await runInChildProcesses<RunJob, CurvePoint, RunMeasurements>(
    new URL('./child.js', import.meta.url),
    toRun.map((settings) => ({ settings, specPath: specPath(context.root, settings), root: context.root })),
    options.parallel,
    {
      onProgress: (job, point) =>
        context.print(`${runName(job.settings)}: update ${point.updates}, validation accuracy ${point.validationAccuracy.toFixed(3)} (loss ${point.validationLoss.toFixed(3)}), training ${point.trainAccuracy.toFixed(3)}`),
      onDone: async (job, { result, wallSeconds, cpuSeconds }) => {
        childCpuSeconds += cpuSeconds;
        runs.push({ settings: job.settings, ...result, wallSeconds, cpuSeconds });
        const file: ResultsFile = { experiment: 'mnist', runs: [...others, ...runs] };
        await writeResult(options.results, `${JSON.stringify(file, null, 1)}\n`);
        context.print(
          `${runName(job.settings)} finished (${runs.length - done.length} of ${toRun.length}, ${((performance.now() - started) / 60_000).toFixed(1)} min so far): test accuracy ${result.test.accuracy.toFixed(3)}, ${(wallSeconds / 60).toFixed(1)} min (CPU ${(cpuSeconds / 60).toFixed(1)} min); ${show(options.results)} written`,
        );
      },
      onFailed: (job, message) => {
        failures.push(`${runName(job.settings)}: ${message}`);
        context.print(`${runName(job.settings)} FAILED: ${message}`);
      },
    },
  );
  const wallMinutes = (performance.now() - started) / 60_000;
  const own = process.cpuUsage(startedCpu);
  const cpuMinutes = (childCpuSeconds + (own.user + own.system) / 1e6) / 60;
  if (runs.length > 0) {
    const title = `Sequential and permuted 14×14 MNIST, 64 units (mean of ${options.seeds} seed${options.seeds === 1 ? '' : 's'}, band: lowest to highest)`;
    await writeResult(options.figure, figure(runs, title));
    context.print(`\n${summaryTable(runs, options.thresholds)}\n\nfigure: ${show(options.figure)}`);
  }
  context.print(`${toRun.length - failures.length} runs in ${wallMinutes.toFixed(1)} min of wall time, ${cpuMinutes.toFixed(1)} min of CPU time (this invocation; ${context.backend})`);
  if (failures.length > 0) throw new ExperimentError(`${failures.length} of ${toRun.length} runs failed (${failures.join('; ')}); the others are in ${show(options.results)}, and a rerun makes only the missing ones`);
}
