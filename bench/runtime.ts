/**
 * `npm run bench -- runtime`: SeqnetRecurrent against tfjs's own lstm / gru layers, on the wasm and cpu
 * backends: median milliseconds per Adam training step and per forward pass, and the ratio to the tfjs layer
 * timed in the same rounds (these machines are shared, so only same-run ratios mean much).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { NormIR } from '../src/ir/types.js';
import { SeqnetRecurrent } from '../src/runtime/recurrent/index.js';
import type { SeqnetRecurrentConfig } from '../src/runtime/recurrent/index.js';

interface Size {
  batch: number;
  steps: number;
  features: number;
  units: number;
  /** Timed rounds of training steps, and of forward passes (cheaper, so more of them). */
  trainRounds: number;
  forwardRounds: number;
}

export interface Case {
  name: string;
  /** The tfjs layer this case is compared with. */
  baseline: 'lstm' | 'gru';
  layer: (units: number) => tf.layers.Layer;
}

const norm = (site: NormIR['site'], kind: NormIR['kind'], batch: NormIR['batch'] = null): NormIR => ({
  site,
  kind,
  epsilon: 1e-5,
  gammaInit: kind === 'batch' ? 0.1 : 1,
  betaInit: 0,
  center: site === 'cell',
  groups: 'all',
  carry: false,
  batch,
});

const perStep = (maxSteps: number) => ({ statistics: 'per_step' as const, maxSteps, momentum: 0.99 });

function seqnet(cell: 'lstm' | 'gru', units: number, norms: NormIR[], resetAfter = false): SeqnetRecurrent {
  const config: SeqnetRecurrentConfig = {
    cell,
    units,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    returnSequences: false,
    bidirectional: null,
    useBias: true,
    forgetBias: { init: cell === 'lstm' ? 1 : 0, constant: 0 },
    resetAfter,
    norms,
    dropout: { input: null, recurrent: null, candidate: null, zoneout: null },
    initializers: { kernel: 'glorot_uniform', recurrentKernel: 'glorot_uniform', bias: 'zeros' },
    seed: 1,
  };
  return new SeqnetRecurrent(config);
}

/** The seqnet layers `npm run bench -- peers` also times against PyTorch, by the id its Python side knows. */
export type SeqnetCaseId = 'lstm' | 'ln-lstm' | 'bn-lstm' | 'gru' | 'ln-gru';

export interface SeqnetCase extends Case {
  id: SeqnetCaseId;
}

export function seqnetCases(steps: number): SeqnetCase[] {
  return [
    { id: 'lstm', name: 'seqnet lstm', baseline: 'lstm', layer: (units) => seqnet('lstm', units, []) },
    {
      id: 'ln-lstm',
      name: 'seqnet lstm, LN (Ba et al.)',
      baseline: 'lstm',
      layer: (units) => seqnet('lstm', units, [norm('input', 'layer'), norm('recurrent', 'layer'), norm('cell', 'layer')]),
    },
    {
      id: 'bn-lstm',
      name: 'seqnet lstm, BN (Cooijmans et al.)',
      baseline: 'lstm',
      layer: (units) =>
        seqnet('lstm', units, [norm('input', 'batch', perStep(steps)), norm('recurrent', 'batch', perStep(steps)), norm('cell', 'batch', perStep(steps))]),
    },
    { id: 'gru', name: 'seqnet gru', baseline: 'gru', layer: (units) => seqnet('gru', units, []) },
    {
      // Ba et al.'s LN-GRU (the ba2016 preset): input and recurrent projections, gates and candidate apart.
      id: 'ln-gru',
      name: 'seqnet gru, LN (Ba et al.)',
      baseline: 'gru',
      layer: (units) =>
        seqnet('gru', units, [{ ...norm('input', 'layer'), groups: 'gates_and_candidate' }, { ...norm('recurrent', 'layer'), groups: 'gates_and_candidate' }], true),
    },
  ];
}

function cases(steps: number): Case[] {
  const tfjs = { recurrentActivation: 'sigmoid' as const, recurrentInitializer: 'glorotUniform' as const };
  const seqnetOf = (baseline: Case['baseline']) => seqnetCases(steps).filter((layerCase) => layerCase.baseline === baseline);
  return [
    { name: 'tf.layers.lstm', baseline: 'lstm', layer: (units) => tf.layers.lstm({ units, ...tfjs }) },
    ...seqnetOf('lstm'),
    { name: 'tf.layers.gru', baseline: 'gru', layer: (units) => tf.layers.gru({ units, ...tfjs }) },
    ...seqnetOf('gru'),
  ];
}

export function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One case ready to time: a built layer, its optimizer, and the train-step and forward closures. */
export interface Runner {
  train: () => Promise<void>;
  forward: () => Promise<void>;
  dispose: () => void;
}

export function prepare(layerCase: Pick<Case, 'layer'>, x: tf.Tensor, units: number): Runner {
  const layer = layerCase.layer(units);
  tf.dispose(layer.apply(x) as tf.Tensor);
  const optimizer = tf.train.adam(1e-3);
  const loss = () => tf.mean(tf.square(layer.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar;
  return {
    train: async () => {
      const value = optimizer.minimize(loss, true);
      await value?.data();
      value?.dispose();
    },
    forward: async () => {
      const output = layer.apply(x) as tf.Tensor;
      await output.data();
      output.dispose();
    },
    dispose: () => {
      optimizer.dispose();
      layer.dispose();
    },
  };
}

export async function timed(body: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

/**
 * Times `task` of every runner round-robin (one call of each per round, after a warm-up round), so a burst
 * of load on the shared machine hits the baseline and the candidates alike.
 */
async function roundRobin(runners: Runner[], task: (runner: Runner) => () => Promise<void>, rounds: number): Promise<number[][]> {
  const times: number[][] = runners.map(() => []);
  for (let round = 0; round <= rounds; round += 1) {
    for (const [index, runner] of runners.entries()) {
      const time = await timed(task(runner));
      if (round > 0) times[index].push(time);
    }
  }
  return times;
}

async function benchSize(backend: string, size: Size): Promise<string[]> {
  const x = tf.randomNormal([size.batch, size.steps, size.features], 0, 1, 'float32', 3);
  const layerCases = cases(size.steps);
  const runners = layerCases.map((layerCase) => prepare(layerCase, x, size.units));
  const train = await roundRobin(runners, (runner) => runner.train, size.trainRounds);
  const forward = await roundRobin(runners, (runner) => runner.forward, size.forwardRounds);
  runners.forEach((runner) => runner.dispose());
  x.dispose();
  const shape = `${size.batch}×${size.steps}×${size.features}→${size.units}`;
  return layerCases.map((layerCase, index) => {
    const base = layerCases.findIndex((other) => other.name.startsWith('tf.layers') && other.baseline === layerCase.baseline);
    const ratio = (times: number[][]) => (median(times[index]) / median(times[base])).toFixed(2);
    return `| ${backend} | ${shape} | ${layerCase.name} | ${median(train[index]).toFixed(0)} | ${ratio(train)} | ${median(forward[index]).toFixed(1)} | ${ratio(forward)} |`;
  });
}

async function benchBackend(backend: string, sizes: Size[]): Promise<string[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const rows: string[] = [];
  for (const size of sizes) rows.push(...(await benchSize(backend, size)));
  return rows;
}

/** The table, and the wasm backend's thread count (one in Node: see docs/runtime.md, "How it runs"). */
export async function run(): Promise<void> {
  const small: Size = { batch: 32, steps: 50, features: 16, units: 128, trainRounds: 5, forwardRounds: 15 };
  const big: Size = { batch: 64, steps: 100, features: 64, units: 256, trainRounds: 1, forwardRounds: 7 };
  const rows = [
    '| backend | batch×steps×features→units | layer | train ms | ×tfjs | forward ms | ×tfjs |',
    '|---|---|---|---|---|---|---|',
    ...(await benchBackend('wasm', [small, big])),
    ...(await benchBackend('cpu', [{ ...small, trainRounds: 2, forwardRounds: 2 }])),
  ];
  await tf.setBackend('wasm');
  process.stdout.write(`${rows.join('\n')}\n\nwasm threads in use: ${getThreadsCount()}\n`);
}
