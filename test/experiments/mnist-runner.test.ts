/**
 * The MNIST experiment runner's pure parts: the runs it plans and in which order, which of them a rerun skips,
 * the results file it accepts, the updates to reach an accuracy, the table's cells, the mean curve and its band,
 * and its command line. No training is run here (a run takes minutes).
 */
import { describe, expect, it } from 'vitest';
import { ExperimentError } from '../../experiments/shared.js';
import { UsageError } from '../../experiments/context.js';
import { parseMnistOptions } from '../../experiments/mnist/run.js';
import { ORDERS, VARIANTS, parseResults, planRuns, remainingRuns, type RunRecord, type RunSettings } from '../../experiments/mnist/plan.js';
import { figure, meanCurve, reachCell, summaryTable, updatesToReach } from '../../experiments/mnist/summary.js';
import type { CurvePoint } from '../../experiments/mnist/train.js';

const SPECS = new Map(ORDERS.flatMap((order) => VARIANTS.map(({ name }) => [`${order}_${name}`, `hash-${order}-${name}`] as [string, string])));
const ALL = { orders: ORDERS, variants: VARIANTS.map(({ name }) => name) };
const PLAN = { epochs: 2, seeds: 3, evaluateEvery: 20, backend: 'wasm', ...ALL };

/** A curve of validation accuracies, one point every 20 updates. */
const curve = (accuracies: number[]): CurvePoint[] =>
  accuracies.map((validationAccuracy, k) => ({ updates: 20 * (k + 1), validationAccuracy, validationLoss: 1, trainLoss: 1, trainAccuracy: validationAccuracy }));

const record = (settings: RunSettings, accuracies: number[], test = 0.5): RunRecord => ({
  settings,
  points: curve(accuracies),
  test: { loss: 1, accuracy: test },
  skippedUpdates: 0,
  wallSeconds: 120,
  cpuSeconds: 60,
});

describe('mnist experiment: the plan', () => {
  it('plans every order, variant and seed once, seed by seed, the slowest variant of a seed first', () => {
    const runs = planRuns(PLAN, SPECS);
    expect(runs).toHaveLength(2 * 3 * 3);
    expect(new Set(runs.map((run) => `${run.order} ${run.variant} ${run.seed}`)).size).toBe(18);
    expect(runs.map((run) => run.seed)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
    expect(runs.slice(0, 6).map((run) => `${run.order} ${run.variant}`)).toEqual([
      'sequential bn_lstm',
      'permuted bn_lstm',
      'sequential ln_lstm',
      'permuted ln_lstm',
      'sequential lstm',
      'permuted lstm',
    ]);
    expect(runs[1]).toEqual({ order: 'permuted', variant: 'bn_lstm', seed: 1, epochs: 2, evaluateEvery: 20, backend: 'wasm', spec: 'hash-permuted-bn_lstm' });
  });

  it('plans only the orders and variants asked for', () => {
    const runs = planRuns({ ...PLAN, seeds: 1, orders: ['permuted'], variants: ['lstm', 'ln_lstm'] }, SPECS);
    expect(runs.map((run) => `${run.order} ${run.variant}`)).toEqual(['permuted ln_lstm', 'permuted lstm']);
  });

  it('skips a run finished with exactly the same settings, and only that one', () => {
    const planned = planRuns({ ...PLAN, seeds: 1 }, SPECS);
    const same = record({ ...planned[2] }, [0.3]);
    // Field order does not matter; a different epoch count, backend or spec does.
    const reordered = record(Object.fromEntries(Object.entries(planned[3]).reverse()) as unknown as RunSettings, [0.4]);
    const longer = record({ ...planned[4], epochs: 3 }, [0.5]);
    const otherBackend = record({ ...planned[5], backend: 'cpu' }, [0.5]);
    const editedSpec = record({ ...planned[0], spec: 'another hash' }, [0.5]);
    const { toRun, done } = remainingRuns(planned, [same, reordered, longer, otherBackend, editedSpec]);
    expect(done).toEqual([same, reordered]);
    expect(toRun).toEqual([planned[0], planned[1], planned[4], planned[5]]);
  });

  it('reads back its own results file and refuses anything else with exit code 2', () => {
    const run = record(planRuns({ ...PLAN, seeds: 1 }, SPECS)[0], [0.2, 0.6]);
    expect(parseResults(JSON.stringify({ experiment: 'mnist', runs: [run] }), 'r.json')).toEqual([run]);
    const refused = (text: string): ExperimentError => {
      try {
        parseResults(text, 'r.json');
      } catch (error) {
        if (error instanceof ExperimentError) return error;
      }
      throw new Error(`accepted ${text}`);
    };
    expect(refused('{"experiment": "mnist", "runs": [').message).toMatch(/^r\.json: not valid JSON .*--fresh/);
    expect(refused(JSON.stringify({ experiment: 'regularization', runs: [] })).exitCode).toBe(2);
    expect(refused(JSON.stringify({ experiment: 'mnist', runs: [{ ...run, settings: { ...run.settings, variant: 'gru' } }] })).message).toMatch(/not a results file/);
    expect(refused(JSON.stringify({ experiment: 'mnist', runs: [{ ...run, test: null }] })).message).toMatch(/not a results file/);
  });
});

describe('mnist experiment: the table and the figure', () => {
  it('counts the updates to the first validation point at or above the threshold', () => {
    const points = curve([0.2, 0.49, 0.5, 0.45, 0.71]);
    expect(updatesToReach(points, 0.5)).toBe(60);
    expect(updatesToReach(points, 0.7)).toBe(100);
    expect(updatesToReach(points, 0.1)).toBe(20);
    expect(updatesToReach(points, 0.8)).toBeNull();
  });

  it('averages the updates over the seeds that reached the threshold and says how many did', () => {
    const [settings] = planRuns({ ...PLAN, seeds: 1 }, SPECS);
    const runs = [record(settings, [0.3, 0.6, 0.8]), record(settings, [0.6, 0.7, 0.9]), record(settings, [0.2, 0.3, 0.4])];
    expect(reachCell(runs, 0.5)).toBe('30 (2/3)');
    expect(reachCell(runs, 0.95)).toBe('not reached');
  });

  it('tabulates the final validation and test accuracy as mean ± sd over the seeds, per order and variant', () => {
    const plan = planRuns({ ...PLAN, orders: ['sequential'], variants: ['lstm'] }, SPECS);
    const runs = plan.map((settings, k) => record(settings, [0.4, [0.5, 0.7, 0.9][k]], [0.6, 0.7, 0.8][k]));
    const table = summaryTable(runs, [0.5, 0.7]).split('\n');
    expect(table[0]).toBe('| order | variant | seeds | final validation accuracy | test accuracy | updates to 50 % validation | updates to 70 % validation | wall min per run | CPU min per run |');
    expect(table).toHaveLength(3);
    expect(table[2]).toBe('| sequential | LSTM | 1, 2, 3 | 0.700 ± 0.200 | 0.700 ± 0.100 | 40 (3/3) | 40 (2/3) | 2.0 | 1.0 |');
  });

  it('draws the mean curve over the seeds with a band from the lowest to the highest seed', () => {
    const [settings] = planRuns({ ...PLAN, seeds: 1 }, SPECS);
    const { points, band } = meanCurve([record(settings, [0.2, 0.5, 0.9]), record(settings, [0.4, 0.7])]);
    expect(points.map(([x]) => x)).toEqual([20, 40]);
    expect(points[0][1]).toBeCloseTo(0.3, 12);
    expect(points[1][1]).toBeCloseTo(0.6, 12);
    expect(band).toEqual([
      [20, 0.2, 0.4],
      [40, 0.5, 0.7],
    ]);
    const svg = figure([record(settings, [0.2, 0.5]), record({ ...settings, order: 'permuted' }, [0.1, 0.3])], 'title');
    expect(svg.match(/<polygon /g)).toHaveLength(2);
    expect(svg).toContain('sequential MNIST: validation accuracy');
    expect(svg).toContain('permuted MNIST: validation accuracy');
  });
});

describe('mnist experiment: the command line', () => {
  it('has defaults and takes its flags', () => {
    const defaults = parseMnistOptions([], '/repo');
    expect(defaults).toMatchObject({ epochs: 8, seeds: 3, evaluateEvery: 40, thresholds: [0.5, 0.7], parallel: 2, fresh: false, results: '/repo/experiments/results/mnist.json' });
    const trial = parseMnistOptions(['--epochs', '1', '--seeds', '1', '--variants', 'ln_lstm,lstm', '--orders', 'permuted', '--results', '/tmp/r.json', '--fresh'], '/repo');
    expect(trial).toMatchObject({ epochs: 1, seeds: 1, variants: ['lstm', 'ln_lstm'], orders: ['permuted'], results: '/tmp/r.json', fresh: true });
  });

  it('refuses what it cannot take with a usage error', () => {
    for (const args of [['--epochs', '0'], ['--seeds', 'three'], ['--variants', 'gru'], ['--thresholds', '50'], ['--verbose'], ['extra']]) {
      expect(() => parseMnistOptions(args, '/repo'), args.join(' ')).toThrow(UsageError);
    }
  });
});
