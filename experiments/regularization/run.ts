/**
 * `npm run experiment -- regularization`: a small LSTM on Debian's fortune cookies with no regularization,
 * variational recurrent dropout, Semeniuta's candidate dropout and zoneout (one spec each, in this folder), three
 * seeds each. Writes every run's curves to experiments/results/regularization.json (after each run, so a stopped
 * experiment keeps what it finished), the figure to docs/experiments/regularization.svg, and prints a table.
 */
import { join } from 'node:path';
import { loadData, modelShape, type PreparedData } from '../../src/data/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { SERIES_COLORS, renderPlotSvg, type PlotPanel } from '../../src/train/plot.js';
import type { ExperimentContext } from '../context.js';
import { ExperimentError, loadExperimentSpec, mean, meanAndSd, writeResult } from '../shared.js';
import { trainAndMeasure, type EpochPoint } from './train.js';

/** The variants, in the order they are trained, tabulated and drawn: each is `experiments/regularization/NAME.seqnet`. */
export const VARIANTS = [
  { name: 'none', label: 'no regularization' },
  { name: 'variational', label: 'variational 0.25' },
  { name: 'candidate', label: 'candidate 0.25' },
  { name: 'zoneout', label: 'zoneout 0.5 / 0.05' },
] as const;
export const SEEDS = [1, 2, 3] as const;

export interface VariantRun {
  variant: string;
  seed: number;
  seconds: number;
  epochs: EpochPoint[];
}

/** The four specs, checked, and the data they share (they must declare the same input and data). */
export async function loadVariants(root: string): Promise<{ irs: Map<string, ModelIR>; data: PreparedData }> {
  const irs = new Map<string, ModelIR>();
  for (const { name } of VARIANTS) {
    irs.set(name, await loadExperimentSpec(join(root, 'experiments', 'regularization', `${name}.seqnet`)));
  }
  const [first, ...others] = [...irs.values()];
  const same = (ir: ModelIR): boolean => JSON.stringify([ir.input, ir.data, ir.heads, ir.train]) === JSON.stringify([first.input, first.data, first.heads, first.train]);
  if (!others.every(same)) throw new ExperimentError('the regularization specs must differ only in their lstm block');
  const data = await loadData(first.data!, { baseDir: join(root, 'experiments', 'regularization'), validationSplit: first.train.validationSplit, shape: modelShape(first), saved: null });
  return { irs, data };
}

/** Per variant, over its seeds: the last epoch's BPC and gap, the best validation BPC and its epoch, the time per run. */
export function table(runs: VariantRun[]): string {
  const header = '| variant | train BPC (no noise) | validation BPC | gap | best validation BPC (epoch) | train BPC with the noise on | minutes per run |';
  const rows = VARIANTS.flatMap(({ name, label }) => {
    const mine = runs.filter((run) => run.variant === name);
    if (mine.length === 0) return [];
    const last = mine.map((run) => run.epochs[run.epochs.length - 1]);
    const best = mine.map((run) => run.epochs.reduce((a, b) => (b.validationBpc < a.validationBpc ? b : a)));
    return [
      `| ${label} | ${meanAndSd(last.map((p) => p.trainBpc))} | ${meanAndSd(last.map((p) => p.validationBpc))} | ${meanAndSd(last.map((p) => p.validationBpc - p.trainBpc))} | ${meanAndSd(best.map((p) => p.validationBpc))} (${best.map((p) => p.epoch).join(', ')}) | ${meanAndSd(last.map((p) => p.noisyTrainBpc))} | ${(mean(mine.map((run) => run.seconds)) / 60).toFixed(1)} |`,
    ];
  });
  return [header, `|${'---|'.repeat(7)}`, ...rows].join('\n');
}

/** Three panels over the epochs, each variant's mean over its seeds: validation BPC, training BPC, and their gap. */
export function figure(runs: VariantRun[], title: string): string {
  const panel = (name: string, value: (point: EpochPoint) => number): PlotPanel => ({
    title: name,
    xLabel: 'epoch',
    integerX: true,
    series: VARIANTS.flatMap(({ name: variant, label }, index) => {
      const mine = runs.filter((run) => run.variant === variant);
      if (mine.length === 0) return [];
      const epochs = Math.min(...mine.map((run) => run.epochs.length));
      const points = Array.from({ length: epochs }, (_, e) => [e + 1, mean(mine.map((run) => value(run.epochs[e])))] as [number, number]);
      return [{ label, color: SERIES_COLORS[index % SERIES_COLORS.length], points }];
    }),
  });
  return renderPlotSvg(
    [
      panel('validation bits per character (inference mode)', (p) => p.validationBpc),
      panel('training bits per character (inference mode, as many windows as validation)', (p) => p.trainBpc),
      panel('gap: validation − training bits per character', (p) => p.validationBpc - p.trainBpc),
    ],
    title,
  );
}

export async function runRegularization(context: ExperimentContext): Promise<void> {
  const { irs, data } = await loadVariants(context.root);
  context.print(data.summary);
  const runs: VariantRun[] = [];
  const started = Date.now();
  const resultsPath = join(context.root, 'experiments', 'results', 'regularization.json');
  // Seed by seed, the four variants in turn: the machine's load, which changes over the hour, falls on all four alike.
  for (const seed of SEEDS) {
    for (const { name } of VARIANTS) {
      const ir = irs.get(name)!;
      const runStarted = Date.now();
      const epochs = await trainAndMeasure(ir, data, seed, ir.train.epochs, (p) =>
        context.print(`${name} seed ${seed} epoch ${p.epoch}: train ${p.trainBpc.toFixed(3)} (noisy ${p.noisyTrainBpc.toFixed(3)}), validation ${p.validationBpc.toFixed(3)} bpc, ${p.seconds.toFixed(0)} s`),
      );
      runs.push({ variant: name, seed, seconds: (Date.now() - runStarted) / 1000, epochs });
      const summary = { backend: context.backend, data: data.summary, seconds: (Date.now() - started) / 1000, runs };
      await writeResult(resultsPath, `${JSON.stringify(summary, null, 1)}\n`);
    }
  }
  const lstm = irs.get('none')!.layers.find((layer) => layer.type === 'recurrent');
  const title = `Regularizing a ${lstm?.type === 'recurrent' ? `${lstm.units}-unit ` : ''}LSTM on fortunes (mean of ${SEEDS.length} seeds)`;
  await writeResult(join(context.root, 'docs', 'experiments', 'regularization.svg'), figure(runs, title));
  const minutes = (Date.now() - started) / 60_000;
  context.print(`${table(runs)}\n\n${runs.length} runs in ${minutes.toFixed(1)} min on ${context.backend}; figure: docs/experiments/regularization.svg`);
}
