/**
 * `npm run experiment -- gradient_flow`: Figure 1a of Cooijmans et al. 2016 on permuted 14×14 MNIST (196 steps),
 * 100 units, a batch of 100 digits, γ ∈ {0.1, 0.3, 0.5, 0.7, 1.0}. Writes the curves to
 * experiments/results/gradient_flow.json and the figure to docs/experiments/gradient-flow.svg, and prints a table.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../src/io/index.js';
import { SERIES_COLORS, renderPlotSvg } from '../../src/train/plot.js';
import { checkSpec } from '../../src/validate/index.js';
import type { ExperimentContext } from '../context.js';
import { gradientFlow, gradientFlowInput, type GradientFlowCurve } from './measure.js';

export const GAMMAS = [0.1, 0.3, 0.5, 0.7, 1.0] as const;
const BATCH = 100;

/** ||∂loss/∂h_t|| at a few steps, and the factor by which the gradient shrinks from the last state to the first. */
function table(curves: GradientFlowCurve[]): string {
  const steps = curves[0].norms.length;
  const at = [steps - 1, Math.floor((3 * steps) / 4), Math.floor(steps / 2), Math.floor(steps / 4), 0];
  const header = `| γ | ${at.map((t) => `t = ${t}`).join(' | ')} | first / last |`;
  const rows = curves.map(({ gamma, norms }) => `| ${gamma} | ${at.map((t) => norms[t].toExponential(2)).join(' | ')} | ${(norms[0] / norms[steps - 1]).toExponential(1)} |`);
  return [header, `|${'---|'.repeat(at.length + 2)}`, ...rows].join('\n');
}

function figure(curves: GradientFlowCurve[]): string {
  const values = curves.flatMap(({ norms }) => norms);
  // A gradient that underflows to 0 is drawn at the bottom of the axis, a decade below the smallest value.
  const bottom = Math.min(...values.filter((value) => value > 0)) / 10;
  const series = curves.map(({ gamma, norms }, index) => ({
    label: `γ = ${gamma}`,
    color: SERIES_COLORS[index % SERIES_COLORS.length],
    points: norms.map((norm, t) => [t, norm] as [number, number]),
  }));
  const yRange: [number, number] = [bottom, Math.max(...values)];
  const panel = { title: '||∂loss/∂h_t||, batch-normalized tanh RNN at initialization', xLabel: 't (loss at the last step)', integerX: true, series, yRange };
  return renderPlotSvg([panel], 'Gradient flow against the BN gain γ (permuted 14×14 MNIST)');
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text);
}

export async function runGradientFlow(context: ExperimentContext): Promise<void> {
  const path = join(context.root, 'experiments', 'gradient-flow', 'bn_rnn.seqnet');
  const { ir, diagnostics } = checkSpec(await readFile(path, 'utf8'), path);
  if (ir === null) throw new Error(`${path}: ${diagnostics.map((d) => d.message).join('; ')}`);
  const steps = ir.input.steps ?? 0;
  const size = Math.sqrt(steps);
  if (size !== 14 && size !== 28) throw new Error(`the gradient-flow spec must read 14×14 or 28×28 images one pixel per step (196 or 784 steps), not ${steps}`);
  const input = await gradientFlowInput(size, ir.input.features, BATCH);
  const started = Date.now();
  const curves = gradientFlow(ir, input, GAMMAS);
  const seconds = (Date.now() - started) / 1000;
  await write(join(context.root, 'experiments', 'results', 'gradient_flow.json'), `${JSON.stringify({ backend: context.backend, seconds, curves }, null, 1)}\n`);
  await write(join(context.root, 'docs', 'experiments', 'gradient-flow.svg'), figure(curves));
  context.print(`${table(curves)}\n\n${curves.length} curves in ${seconds.toFixed(1)} s on ${context.backend}; figure: docs/experiments/gradient-flow.svg`);
}
