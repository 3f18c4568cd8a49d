/**
 * The MNIST experiment's table and figure, from its finished runs: per order and variant, the final validation
 * and test accuracy over the seeds, the updates each took to reach fixed validation accuracies, and the time
 * per run; the figure draws the validation accuracy against updates, one panel per order.
 */
import { SERIES_COLORS, renderPlotSvg, type PlotPanel, type PlotSeries } from '../../src/train/plot.js';
import { mean, meanAndSd } from '../shared.js';
import { ORDERS, VARIANTS, type Order, type RunRecord } from './plan.js';
import type { CurvePoint } from './train.js';

/** The updates at the first validation point at or above `threshold`, or null when the run never got there. */
export function updatesToReach(points: readonly CurvePoint[], threshold: number): number | null {
  return points.find((point) => point.validationAccuracy >= threshold)?.updates ?? null;
}

const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

/**
 * Over the seeds: the mean updates of those that reached `threshold` and how many did ("420 (3/3)"), or
 * "not reached".
 */
export function reachCell(runs: readonly RunRecord[], threshold: number): string {
  const reached = runs.map((run) => updatesToReach(run.points, threshold)).filter((updates): updates is number => updates !== null);
  return reached.length === 0 ? 'not reached' : `${Math.round(mean(reached))} (${reached.length}/${runs.length})`;
}

const finalPoint = (run: RunRecord): CurvePoint => run.points[run.points.length - 1];

/** The markdown table: one row per order and variant that has finished runs. */
export function summaryTable(runs: readonly RunRecord[], thresholds: readonly number[]): string {
  const header = `| order | variant | seeds | final validation accuracy | test accuracy | ${thresholds.map((t) => `updates to ${percent(t)} validation`).join(' | ')} | wall min per run | CPU min per run |`;
  const rows = ORDERS.flatMap((order) =>
    VARIANTS.flatMap(({ name, label }) => {
      const mine = runs.filter((run) => run.settings.order === order && run.settings.variant === name);
      if (mine.length === 0) return [];
      const cells = [
        order,
        label,
        mine.map((run) => run.settings.seed).join(', '),
        meanAndSd(mine.map((run) => finalPoint(run).validationAccuracy)),
        meanAndSd(mine.map((run) => run.test.accuracy)),
        ...thresholds.map((threshold) => reachCell(mine, threshold)),
        (mean(mine.map((run) => run.wallSeconds)) / 60).toFixed(1),
        (mean(mine.map((run) => run.cpuSeconds)) / 60).toFixed(1),
      ];
      return [`| ${cells.join(' | ')} |`];
    }),
  );
  return [header, `|${'---|'.repeat(5 + thresholds.length + 2)}`, ...rows].join('\n');
}

/**
 * One variant's curve over its seeds: the mean validation accuracy at each point the seeds share, and the band
 * from the lowest to the highest seed. Runs of one plan share their points (same epochs and evaluation interval).
 */
export function meanCurve(runs: readonly RunRecord[]): { points: [number, number][]; band: [number, number, number][] } {
  const length = Math.min(...runs.map((run) => run.points.length));
  const points: [number, number][] = [];
  const band: [number, number, number][] = [];
  for (let k = 0; k < length; k++) {
    const values = runs.map((run) => run.points[k].validationAccuracy);
    const updates = runs[0].points[k].updates;
    points.push([updates, mean(values)]);
    band.push([updates, Math.min(...values), Math.max(...values)]);
  }
  return { points, band };
}

function orderPanel(runs: readonly RunRecord[], order: Order): PlotPanel {
  const series: PlotSeries[] = VARIANTS.flatMap(({ name, label }, index) => {
    const mine = runs.filter((run) => run.settings.order === order && run.settings.variant === name);
    if (mine.length === 0) return [];
    return [{ label, color: SERIES_COLORS[index % SERIES_COLORS.length], ...meanCurve(mine) }];
  });
  return { title: `${order} MNIST: validation accuracy`, xLabel: 'training updates (batches of 100)', integerX: true, yRange: [0, 1], series };
}

export function figure(runs: readonly RunRecord[], title: string): string {
  return renderPlotSvg(
    ORDERS.filter((order) => runs.some((run) => run.settings.order === order)).map((order) => orderPanel(runs, order)),
    title,
  );
}
