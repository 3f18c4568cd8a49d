/**
 * `npm run bench -- peers [--write-docs] [--no-epochs] [--epoch-rounds N]`: seqnet (wasm, the embedded default)
 * against PyTorch on the same cases, timed interleaved (one seqnet call, then one PyTorch call, case after
 * case, round after round) so that bursts of load on a shared machine hit both. Prints the table of
 * docs/performance.md: medians of rounds, their ratio, the target and whether it is met; a matmul
 * probe (the physical limits each case is placed against); and whole `seqnet train` epochs against the
 * generated PyTorch trainer. `--write-docs` also rewrites that table in docs/performance.md and the plot
 * docs/performance/peers.svg. It skips itself, saying how to install PyTorch, when `import torch` fails.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { peerPython, peerEnvironment, PythonPeer } from './peer-process.js';
import { matmulRequest, parseTimes, runRequest, PEER_SIZES } from './peers-protocol.js';
import type { PeerCase } from './peers-protocol.js';
import { renderRatioBarsSvg } from './peers-plot.js';
import { settledPolicy } from './helper.js';
import { median, prepare, seqnetCases, timed } from './runtime.js';
import type { Runner, SeqnetCaseId } from './runtime.js';

const run_ = promisify(execFile);

/** The repository root: this file runs from bench/ under vitest and from dist/bench/ once built. */
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../' : '../', import.meta.url));

export const INSTALL_HINT =
  'PyTorch peers skipped: install PyTorch 1.13 and NumPy (Debian/Ubuntu: `sudo apt-get install python3-torch python3-numpy libopenblas0`), ' +
  'or name another interpreter with SEQNET_PEERS_PYTHON';

interface SizeSpec {
  batch: number;
  steps: number;
  features: number;
  units: number;
  rounds: Record<PeerCase['mode'], number>;
}

const SIZES: Record<PeerCase['size'], SizeSpec> = {
  s1: { batch: 32, steps: 50, features: 16, units: 128, rounds: { train: 7, forward: 11 } },
  s2: { batch: 64, steps: 100, features: 64, units: 256, rounds: { train: 5, forward: 7 } },
};

const CELL_LABELS: Record<SeqnetCaseId, string> = { lstm: 'LSTM', 'ln-lstm': 'LN-LSTM', 'bn-lstm': 'BN-LSTM', gru: 'GRU', 'ln-gru': 'LN-GRU' };

/** The targets, as ratios seqnet / PyTorch. */
export function target(peerCase: PeerCase): number {
  if (peerCase.mode === 'forward') return peerCase.size === 's1' ? 1.2 : 2.0;
  if (peerCase.size === 's2') return 2.5;
  return peerCase.cell === 'lstm' || peerCase.cell === 'gru' ? 2.0 : 2.5;
}

/** Matmul work of a case (input projection and recurrent products; a training step ≈ 3× the forward pass's). */
function matmulFlops(peerCase: PeerCase): number {
  const { batch, steps, features, units } = SIZES[peerCase.size];
  const gates = peerCase.cell.endsWith('lstm') ? 4 : 3;
  const forward = 2 * batch * steps * (features + units) * gates * units;
  return peerCase.mode === 'train' ? 3 * forward : forward;
}

export interface Row {
  label: string;
  /** The size of a layer case: its matmuls are placed against the probe of its own per-step product. */
  size?: PeerCase['size'];
  /** seqnet on one wasm thread. */
  seqnetMs: number;
  /**
   * seqnet as `seqnet train` and `evaluate` run it on wasm: with the matmul helper thread, each call one unit
   * of its whole-unit policy (settled first); absent for whole epochs, where `seqnet train` decides itself.
   */
  helperMs?: number;
  torchMs: number;
  target: number;
  /** The case's matmul work in GFLOP, when it is a layer case (not a whole epoch). */
  gflop?: number;
}

/** seqnet's time as it runs by default (with the helper where measured) over PyTorch's: what the target is for. */
const ratio = (row: Row) => (row.helperMs ?? row.seqnetMs) / row.torchMs;
const oneThreadRatio = (row: Row) => row.seqnetMs / row.torchMs;

/**
 * The issue's own rows for the other normalized cells at S1: its target for BN-LSTM and LN-GRU training is a
 * ratio to PyTorch's hand-written LN-LSTM ("same peer" in its table), so each is also given against that
 * peer's median from the same rounds, beside the row against its own peer.
 */
export function againstLnLstmPeer(rows: Row[]): Row[] {
  const lnLstm = rows.find((row) => row.label === 'S1 LN-LSTM train');
  if (lnLstm === undefined) return [];
  return rows
    .filter((row) => row.label === 'S1 BN-LSTM train' || row.label === 'S1 LN-GRU train')
    .map((row) => ({ label: `${row.label} (PyTorch: LN-LSTM)`, seqnetMs: row.seqnetMs, helperMs: row.helperMs, torchMs: lnLstm.torchMs, target: 2.5 }));
}

async function timeLayerCases(peer: PythonPeer, size: PeerCase['size']): Promise<Row[]> {
  const spec = SIZES[size];
  const x = tf.randomNormal([spec.batch, spec.steps, spec.features], 0, 1, 'float32', 3);
  const layerCases = seqnetCases(spec.steps);
  const runners: Runner[] = layerCases.map((layerCase) => prepare(layerCase, x, spec.units));
  const rows: Row[] = [];
  for (const mode of ['train', 'forward'] as const) {
    const peerCases = layerCases.map((layerCase): PeerCase => ({ size, cell: layerCase.id, mode }));
    const [seqnetTimes, helperTimes, torchTimes] = [0, 1, 2].map(() => peerCases.map((): number[] => []));
    process.stderr.write(`peers: ${size} ${mode}, settling the matmul helper's policy\n`);
    const helpers: Awaited<ReturnType<typeof settledPolicy>>[] = [];
    try {
      // One helper per case and mode with its own policy: a training step is a `train` unit, a forward pass an `infer` one.
      for (const runner of runners) helpers.push(await settledPolicy(mode === 'train' ? 'train' : 'infer', runner[mode]));
      for (let round = 0; round <= spec.rounds[mode]; round += 1) {
        process.stderr.write(`peers: ${size} ${mode}, round ${round} of ${spec.rounds[mode]} (0 warms up)\n`);
        for (const [index, peerCase] of peerCases.entries()) {
          const seqnetTime = await timed(runners[index][mode]);
          const helperTime = await timed(helpers[index].call);
          // Round 0 warms both up (the PyTorch side also runs three untimed calls the first time it sees a case).
          const torchTime = parseTimes(await peer.request(runRequest(peerCase, 1)), 1)[0];
          if (round === 0) continue;
          seqnetTimes[index].push(seqnetTime);
          helperTimes[index].push(helperTime);
          torchTimes[index].push(torchTime);
        }
      }
    } finally {
      await Promise.all(helpers.map(({ helper }) => helper.close()));
    }
    peerCases.forEach((peerCase, index) =>
      rows.push({
        label: `${size.toUpperCase()} ${CELL_LABELS[peerCase.cell]} ${mode}`,
        seqnetMs: median(seqnetTimes[index]),
        helperMs: median(helperTimes[index]),
        torchMs: median(torchTimes[index]),
        target: target(peerCase),
        size,
        gflop: matmulFlops(peerCase) / 1e9,
      }),
    );
  }
  runners.forEach((runner) => runner.dispose());
  x.dispose();
  return rows;
}

export interface MatmulProbe {
  shape: [number, number, number];
  wasmGflops: number;
  torchGflops: number;
}

/** One (M×K)·(K×N) product, timed interleaved on both sides: the per-step recurrent products of S1 and S2, and a large one. */
async function probeMatmuls(peer: PythonPeer): Promise<MatmulProbe[]> {
  const shapes: [number, number, number][] = [
    [32, 128, 512],
    [64, 256, 1024],
    [1024, 1024, 1024],
  ];
  const probes: MatmulProbe[] = [];
  for (const [m, k, n] of shapes) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    const product = async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    };
    const rounds = m * k * n > 1e8 ? 5 : 15;
    const wasm: number[] = [];
    const torch: number[] = [];
    await product();
    for (let round = 0; round < rounds; round += 1) {
      wasm.push(await timed(product));
      torch.push(parseTimes(await peer.request(matmulRequest(m, k, n, 1)), 1)[0]);
    }
    tf.dispose([a, b]);
    const gflops = (ms: number) => (2 * m * k * n) / (ms * 1e6);
    probes.push({ shape: [m, k, n], wasmGflops: gflops(median(wasm)), torchGflops: gflops(median(torch)) });
  }
  return probes;
}

/** Seconds of each epoch that a trainer printed as JSON lines (`seconds` of objects with an `epoch`). */
export function epochSeconds(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { epoch?: number; seconds?: number })
    .filter((log) => typeof log.epoch === 'number' && typeof log.seconds === 'number')
    .map((log) => log.seconds as number);
}

const EPOCH_SPECS = ['char_lm', 'copy_classifier'];

/**
 * One whole epoch of each spec in `seqnet train` and in the generated PyTorch trainer (same exported data,
 * same model and initial weights, same batch size). Each trainer runs two epochs and the second one's own
 * seconds are kept, so neither process start nor first-call compilation is counted.
 */
async function timeEpochs(python: string, rounds: number): Promise<Row[]> {
  const work = mkdtempSync(join(tmpdir(), 'seqnet-peers-'));
  const seqnetBin = join(ROOT, 'bin', 'seqnet.js');
  const rows: Row[] = [];
  try {
    for (const name of EPOCH_SPECS) {
      const spec = join(ROOT, 'specs', `${name}.seqnet`);
      const data = join(work, `data-${name}`);
      await run_(process.execPath, [seqnetBin, 'export-data', spec, '--out', data]);
      await run_(process.execPath, [seqnetBin, 'generate', '--target', 'pytorch', spec, '--out', join(work, 'py')]);
      const seqnet: number[] = [];
      const torch: number[] = [];
      const runs = join(work, 'runs');
      process.stderr.write(`peers: epochs of ${name}\n`);
      for (let round = 0; round < rounds; round += 1) {
        const ours = await run_(process.execPath, [seqnetBin, 'train', spec, '--epochs', '2', '--json', '--runs-dir', runs], { maxBuffer: 1 << 26 });
        seqnet.push(secondEpoch(epochSeconds(ours.stdout), 'seqnet train'));
        const trainer = [join(work, 'py', 'seqnet_train.py'), '--model', join(work, 'py', `${name}.py`), '--data', data, '--runs-dir', runs, '--epochs', '2', '--json'];
        const theirs = await run_(python, trainer, { env: peerEnvironment(), maxBuffer: 1 << 26 });
        torch.push(secondEpoch(epochSeconds(theirs.stdout), 'seqnet_train.py'));
      }
      rows.push({ label: `epoch of ${name}`, seqnetMs: median(seqnet) * 1000, torchMs: median(torch) * 1000, target: 2.5 });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

function secondEpoch(seconds: number[], trainer: string): number {
  if (seconds.length !== 2) throw new Error(`${trainer} printed ${seconds.length} epoch lines, expected 2`);
  return seconds[1];
}

/**
 * The table: seqnet on one thread and with the matmul helper (as it trains and evaluates by default), their
 * ratios to PyTorch, and the verdict on the default (the helper's where it was measured).
 */
export function formatTable(rows: Row[]): string {
  const lines = [
    '| case | seqnet 1 thread ms | seqnet + helper ms | PyTorch ms | ratio, 1 thread | ratio, + helper | target | met? |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  for (const row of rows) {
    const helper = row.helperMs === undefined ? ['—', '—'] : [ms(row.helperMs), `${ratio(row).toFixed(2)}×`];
    lines.push(`| ${row.label} | ${ms(row.seqnetMs)} | ${helper[0]} | ${ms(row.torchMs)} | ${oneThreadRatio(row).toFixed(2)}× | ${helper[1]} | ≤ ${row.target.toFixed(1)}× | ${ratio(row) <= row.target ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}

/**
 * Where each layer case stands against each engine's matmul rate on the case's own per-step recurrent product
 * (`probes`: the S1 product first, then S2's): its matmul work alone at that rate, and the share of the
 * measured time that is.
 */
export function formatLimits(rows: Row[], probes: Record<PeerCase['size'], MatmulProbe>): string {
  const lines = ['| case | matmul GFLOP | seqnet: matmuls alone, ms | share of seqnet\'s time | PyTorch: matmuls alone, ms | share of PyTorch\'s time |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    if (row.gflop === undefined || row.size === undefined) continue;
    const wasmFloor = (row.gflop / probes[row.size].wasmGflops) * 1000;
    const torchFloor = (row.gflop / probes[row.size].torchGflops) * 1000;
    const share = (floor: number, ms: number) => `${Math.round((100 * floor) / ms)} %`;
    lines.push(`| ${row.label} | ${row.gflop.toFixed(2)} | ${wasmFloor.toFixed(1)} | ${share(wasmFloor, row.seqnetMs)} | ${torchFloor.toFixed(1)} | ${share(torchFloor, row.torchMs)} |`);
  }
  return lines.join('\n');
}

export function formatProbes(probes: MatmulProbe[]): string {
  const lines = ['| matmul M×K · K×N | wasm GFLOP/s (1 thread) | PyTorch GFLOP/s | ratio |', '|---|---|---|---|'];
  for (const probe of probes) {
    lines.push(`| ${probe.shape[0]}×${probe.shape[1]} · ${probe.shape[1]}×${probe.shape[2]} | ${probe.wasmGflops.toFixed(1)} | ${probe.torchGflops.toFixed(1)} | ${(probe.torchGflops / probe.wasmGflops).toFixed(2)}× |`);
  }
  return lines.join('\n');
}

/** Replaces the text between `<!-- BEGIN name -->` and `<!-- END name -->` in a document. */
export function replaceBlock(document: string, name: string, body: string): string {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${begin} … ${end} block`);
  return `${document.slice(0, from + begin.length)}\n${body}\n${document.slice(to)}`;
}

function writeDocs(report: string, rows: Row[]): void {
  const doc = join(ROOT, 'docs', 'performance.md');
  writeFileSync(doc, replaceBlock(readFileSync(doc, 'utf8'), 'peers-table', report));
  const svg = join(ROOT, 'docs', 'performance', 'peers.svg');
  mkdirSync(dirname(svg), { recursive: true });
  writeFileSync(svg, renderRatioBarsSvg(rows.map((row) => ({ label: row.label, ratio: ratio(row), target: row.target })), 'seqnet (wasm, with the matmul helper where measured) time ÷ PyTorch time, median of interleaved rounds'));
  process.stdout.write(`\nwritten: docs/performance.md (the peers-table block), docs/performance/peers.svg\n`);
}

interface Options {
  writeDocs: boolean;
  epochs: boolean;
  epochRounds: number;
}

export function parseOptions(args: string[]): Options {
  const options: Options = { writeDocs: false, epochs: true, epochRounds: 1 };
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--write-docs') options.writeDocs = true;
    else if (args[i] === '--no-epochs') options.epochs = false;
    else if (args[i] === '--epoch-rounds' && /^[1-9]\d*$/.test(args[i + 1] ?? '')) options.epochRounds = Number(args[(i += 1)]);
    else throw new Error(`peers: unknown option ${args[i]} (known: --write-docs, --no-epochs, --epoch-rounds N)`);
  }
  return options;
}

export async function run(args: string[] = []): Promise<void> {
  const options = parseOptions(args);
  const python = peerPython();
  const start = await PythonPeer.start(python, join(ROOT, 'bench', 'peers.py'));
  if (start.kind === 'skipped') {
    process.stdout.write(`${INSTALL_HINT}.\n(${start.reason})\n`);
    return;
  }
  const { peer, greeting } = start;
  try {
    await tf.setBackend('wasm');
    await tf.ready();
    const header = `PyTorch ${greeting.torch} (${python}), ${greeting.threads} threads, hand-written cells as ${greeting.script}, BLAS: ${greeting.blas}; seqnet on tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}; load average at the start ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
    process.stdout.write(`${header}\n`);
    process.stderr.write('peers: progress goes to stderr; the table comes at the end\n');
    if (greeting.blas === 'reference') {
      process.stdout.write('warning: PyTorch runs on the reference BLAS, about 25 times slower than OpenBLAS at a matmul: install libopenblas0 (or put its libblas.so.3 on LD_LIBRARY_PATH) or these ratios mean little\n');
    }
    const rows: Row[] = [];
    for (const size of PEER_SIZES) rows.push(...(await timeLayerCases(peer, size)));
    rows.push(...againstLnLstmPeer(rows));
    process.stderr.write('peers: matmul probe\n');
    const probes = await probeMatmuls(peer);
    if (options.epochs) rows.push(...(await timeEpochs(python, options.epochRounds)));
    const report = [
      `${header}, at the end ${loadavg()[0].toFixed(1)}`,
      '',
      formatTable(rows),
      '',
      formatProbes(probes),
      '',
      formatLimits(rows, { s1: probes[0], s2: probes[1] }),
    ].join('\n');
    process.stdout.write(`\n${report}\n`);
    if (options.writeDocs) writeDocs(report, rows);
  } finally {
    peer.close();
  }
}

