/**
 * Which runs the MNIST experiment makes, in which order, and which of them an earlier invocation already
 * finished with the same settings (kept in the results file and not run again).
 */
import { createHash } from 'node:crypto';
import { ExperimentError } from '../shared.js';
import type { CurvePoint, RunMeasurements } from './train.js';

export const ORDERS = ['sequential', 'permuted'] as const;
export type Order = (typeof ORDERS)[number];

/**
 * The variants, each `experiments/mnist/ORDER_NAME.seqnet`, in the order they are tabulated and drawn. `cost` is
 * a rough time per update relative to the plain LSTM: the runs of a seed start with the slowest, so that the
 * experiment ends on short runs and neither core waits long for the other at the end.
 */
export const VARIANTS = [
  { name: 'lstm', label: 'LSTM', cost: 1 },
  { name: 'bn_lstm', label: 'BN-LSTM (cooijmans2016)', cost: 2.5 },
  { name: 'ln_lstm', label: 'LN-LSTM (ba2016)', cost: 1.5 },
] as const;
export type VariantName = (typeof VARIANTS)[number]['name'];

/** Everything a run's numbers depend on: a finished run with equal settings is not run again. */
export interface RunSettings {
  order: Order;
  variant: VariantName;
  seed: number;
  epochs: number;
  evaluateEvery: number;
  backend: string;
  /** SHA-256 of the spec's text: an edited spec is a different run. */
  spec: string;
}

export interface RunRecord extends RunMeasurements {
  settings: RunSettings;
  /** The run's process, from its start (loading the digits included). */
  wallSeconds: number;
  cpuSeconds: number;
}

/** What a run's child process is sent. */
export interface RunJob {
  settings: RunSettings;
  specPath: string;
  /** The repository root (the data source's base folder). */
  root: string;
}

export interface PlanOptions {
  epochs: number;
  seeds: number;
  evaluateEvery: number;
  backend: string;
  /** The orders and variants to run (all by default; fewer for a quick trial). */
  orders: readonly Order[];
  variants: readonly VariantName[];
}

export const specHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** One key per settings, whatever order its fields were written in. */
export const settingsKey = (settings: RunSettings): string =>
  JSON.stringify([settings.order, settings.variant, settings.seed, settings.epochs, settings.evaluateEvery, settings.backend, settings.spec]);

/**
 * Every run, seed by seed (a stopped experiment has whole seeds, and the machine's load falls on all variants
 * alike), each seed's runs slowest first. `specs` maps `ORDER_VARIANT` to the spec's hash.
 */
export function planRuns(options: PlanOptions, specs: ReadonlyMap<string, string>): RunSettings[] {
  const slowestFirst = VARIANTS.filter(({ name }) => options.variants.includes(name)).sort((a, b) => b.cost - a.cost);
  const runs: RunSettings[] = [];
  for (let seed = 1; seed <= options.seeds; seed++) {
    for (const { name } of slowestFirst) {
      for (const order of ORDERS.filter((candidate) => options.orders.includes(candidate))) {
        const spec = specs.get(`${order}_${name}`);
        if (spec === undefined) throw new Error(`no spec hash for ${order}_${name}`);
        runs.push({ order, variant: name, seed, epochs: options.epochs, evaluateEvery: options.evaluateEvery, backend: options.backend, spec });
      }
    }
  }
  return runs;
}

/** The planned runs still to make, and the finished records that stand for the others. */
export function remainingRuns(planned: readonly RunSettings[], finished: readonly RunRecord[]): { toRun: RunSettings[]; done: RunRecord[] } {
  const byKey = new Map(finished.map((record) => [settingsKey(record.settings), record]));
  const done = planned.flatMap((settings) => byKey.get(settingsKey(settings)) ?? []);
  return { toRun: planned.filter((settings) => !byKey.has(settingsKey(settings))), done };
}

export interface ResultsFile {
  experiment: 'mnist';
  runs: RunRecord[];
}

const isNumber = (value: unknown): value is number => typeof value === 'number';

function isRunRecord(value: unknown): value is RunRecord {
  const record = value as Partial<RunRecord> | null;
  const settings = record?.settings as Partial<RunSettings> | undefined;
  return (
    typeof settings === 'object' &&
    settings !== null &&
    ORDERS.includes(settings.order as Order) &&
    VARIANTS.some(({ name }) => name === settings.variant) &&
    [settings.seed, settings.epochs, settings.evaluateEvery].every(isNumber) &&
    typeof settings.backend === 'string' &&
    typeof settings.spec === 'string' &&
    Array.isArray(record?.points) &&
    record.points.every((point: Partial<CurvePoint>) => isNumber(point.updates) && isNumber(point.validationAccuracy)) &&
    isNumber(record.test?.accuracy) &&
    isNumber(record.wallSeconds) &&
    isNumber(record.cpuSeconds)
  );
}

/** The finished runs of an earlier invocation, from the results file's text; a file that is not one is refused. */
export function parseResults(text: string, path: string): RunRecord[] {
  let parsed: Partial<ResultsFile>;
  try {
    parsed = JSON.parse(text) as Partial<ResultsFile>;
  } catch (error) {
    throw new ExperimentError(`${path}: not valid JSON (${(error as Error).message}); move it away, or pass --fresh to start over`, 2);
  }
  if (parsed.experiment !== 'mnist' || !Array.isArray(parsed.runs) || !parsed.runs.every(isRunRecord)) {
    throw new ExperimentError(`${path}: not a results file of the mnist experiment; move it away, or pass --fresh to start over`, 2);
  }
  return parsed.runs;
}
