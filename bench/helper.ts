/**
 * `npm run bench -- helper`: the matmul helper thread (src/backend/matmul-helper.ts) on the peers bench's
 * layer cases (S1, S2; LSTM and GRU; one Adam step and one forward pass) and on the per-step recurrent
 * product alone (50 products a call). Three ways, round-robin each round so a burst of load hits all three:
 * one thread; every product of `--min-work` or more split; and the policy `seqnet train`, `evaluate` and
 * `predict` use (src/backend/unit-policy.ts), each call one whole unit, as a training step or an inference batch
 * is. The policy gets a fresh helper per case and `settle` untimed units first (warm-up and the first
 * comparison), then keeps choosing, rechecks included, through the timed rounds; the table says which way it
 * ended up preferring and how many of its units it split. Prints medians and their ratios to one thread.
 * Options: `--rounds N` (default 7), `--sizes s1,m,s2` (default s1,s2; m is between: per-step product 8.4 M),
 * `--min-work N` (the per-product threshold, default MIN_SPLIT_WORK).
 */
import { availableParallelism, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { MatMulHelper, MIN_SPLIT_WORK, type UnitKind } from '../src/backend/matmul-helper.js';
import { UNIT_POLICY_DEFAULTS } from '../src/backend/unit-policy.js';
import { heapKernels } from '../src/runtime/recurrent/heap/kernels.js';
import { setRowHelper } from '../src/runtime/recurrent/heap/split.js';
import { median, prepare, seqnetCases, timed, type Runner } from './runtime.js';

const SIZES = {
  s1: { batch: 32, steps: 50, features: 16, units: 128 },
  m: { batch: 32, steps: 50, features: 32, units: 256 },
  s2: { batch: 64, steps: 100, features: 64, units: 256 },
} as const;

type SizeName = keyof typeof SIZES;

/** Units the policy runs before the timed rounds: its warm-up, both ways' samples, and one more. */
const SETTLE = UNIT_POLICY_DEFAULTS.warmup + 2 * UNIT_POLICY_DEFAULTS.samples + 1;

/**
 * A fresh helper under the whole-unit policy, and `body` as one unit of `kind` run with that helper
 * registered (unregistered after), the policy settled on `SETTLE` untimed units: how this bench and the peers
 * bench time seqnet as its commands run it.
 */
export async function settledPolicy(kind: UnitKind, body: () => Promise<void>, minWork?: number): Promise<{ helper: MatMulHelper; call: () => Promise<void> }> {
  const helper = await MatMulHelper.start({ minWork });
  const units = helper.units(kind);
  const call = async () => {
    setRowHelper(helper);
    units.begin();
    try {
      await body();
    } finally {
      units.end();
      setRowHelper(null);
    }
  };
  try {
    for (let unit = 0; unit < SETTLE; unit += 1) await call();
  } catch (error) {
    await helper.close();
    throw error;
  }
  return { helper, call };
}

function option(options: string[], name: string): string | undefined {
  const index = options.indexOf(name);
  return index < 0 ? undefined : options[index + 1];
}

interface Settings {
  rounds: number;
  minWork: number;
  /** The helper that splits every large product. */
  splitAll: MatMulHelper;
}

interface CaseResult {
  /** Medians: one thread, split all, the policy. */
  times: [number, number, number];
  /** The policy's preferred way at the end, and the share of its units (settling included) it split. */
  chose: string;
}

/**
 * Medians of `body` timed round-robin one thread / split all / the policy (each of its calls one unit),
 * `rounds` times after one warm-up round, the policy settled first on its own helper.
 */
async function alternate({ rounds, minWork, splitAll }: Settings, body: () => Promise<void>): Promise<CaseResult> {
  const { helper: policy, call: asUnit } = await settledPolicy('infer', body, minWork);
  const ways: [MatMulHelper | null, () => Promise<void>][] = [[null, body], [splitAll, body], [policy, asUnit]];
  const times: number[][] = ways.map(() => []);
  try {
    for (let round = 0; round <= rounds; round += 1) {
      for (const [index, [helper, call]] of ways.entries()) {
        setRowHelper(helper);
        const time = await timed(call);
        if (round > 0) times[index].push(time);
      }
    }
  } finally {
    setRowHelper(null);
    await policy.close();
  }
  const { preferred, counts } = policy.choice('infer');
  const total = counts.split + counts['one thread'];
  return { times: times.map(median) as [number, number, number], chose: `${preferred ?? 'undecided'} (${counts.split}/${total} split)` };
}

function row(label: string, { times: [one, split, policy], chose }: CaseResult, unit: string, digits: number): string {
  const value = (time: number) => `${time.toFixed(digits)} ${unit}`;
  return `| ${label} | ${value(one)} | ${value(split)} (${(split / one).toFixed(2)}) | ${value(policy)} (${(policy / one).toFixed(2)}) | ${chose} |`;
}

/** The per-step product `[batch, units]·[units, 4·units]` on the heap, 50 times a call. */
async function productRow(settings: Settings, size: SizeName): Promise<string> {
  const { batch, units } = SIZES[size];
  const kernels = heapKernels();
  if (kernels === null) throw new Error('the heap kernels are not available on this backend');
  const a = kernels.constant(Float32Array.from({ length: batch * units }, (_, i) => Math.sin(i)), [batch, units]);
  const b = kernels.constant(Float32Array.from({ length: 4 * units * units }, (_, i) => Math.cos(i) / units), [units, 4 * units]);
  const out = kernels.buffer([batch, 4 * units]);
  try {
    const result = await alternate(settings, async () => {
      for (let i = 0; i < 50; i += 1) kernels.matMul(out, a, b);
    });
    const perProduct = { ...result, times: result.times.map((time) => (time / 50) * 1000) as CaseResult['times'] };
    const macs = (batch * units * 4 * units) / 1e6;
    return row(`${size.toUpperCase()} product ${batch}×${units}·${units}×${4 * units} (${macs.toFixed(1)} M)`, perProduct, 'µs', 0);
  } finally {
    kernels.dispose();
  }
}

async function layerRows(settings: Settings, size: SizeName): Promise<string[]> {
  const { batch, steps, features, units } = SIZES[size];
  const x = tf.randomNormal([batch, steps, features], 0, 1, 'float32', 3);
  const rows: string[] = [];
  for (const layerCase of seqnetCases(steps).filter((c) => c.id === 'lstm' || c.id === 'gru')) {
    const runner: Runner = prepare(layerCase, x, units);
    for (const mode of ['train', 'forward'] as const) {
      rows.push(row(`${size.toUpperCase()} ${layerCase.id.toUpperCase()} ${mode}`, await alternate(settings, runner[mode]), 'ms', 1));
    }
    runner.dispose();
  }
  x.dispose();
  return rows;
}

export async function run(options: string[]): Promise<void> {
  const rounds = Number(option(options, '--rounds') ?? 7);
  const minWork = Number(option(options, '--min-work') ?? MIN_SPLIT_WORK);
  const sizes = (option(options, '--sizes') ?? 's1,s2').split(',') as SizeName[];
  const unknown = sizes.filter((size) => !(size in SIZES));
  if (unknown.length > 0) throw new Error(`unknown size(s) ${unknown.join(', ')}; known: ${Object.keys(SIZES).join(', ')}`);
  await tf.setBackend('wasm');
  await tf.ready();
  const settings: Settings = { rounds, minWork, splitAll: await MatMulHelper.start({ measured: false, minWork }) };
  const load = () => loadavg()[0].toFixed(1);
  const started = performance.now();
  const lines = [
    `load average at the start ${load()} on ${availableParallelism()} cores; products of ${(minWork / 1e6).toFixed(1)} M multiply-adds or more may split;`,
    `medians of ${rounds} rounds, round-robin; the policy settled on ${SETTLE} units per case first (recheck every ${UNIT_POLICY_DEFAULTS.recheckEvery})`,
    '',
    '| case | one thread | every large product split (ratio) | whole-unit policy (ratio) | policy chose (units split) |',
    '|---|---|---|---|---|',
  ];
  try {
    for (const size of sizes) lines.push(await productRow(settings, size), ...(await layerRows(settings, size)));
  } finally {
    await settings.splitAll.close();
  }
  lines.push('', `load average at the end ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
