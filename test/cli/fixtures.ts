/** Specs, data and trained runs that the subprocess tests corrupt copies of. */
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './subprocess.js';

/** A small LSTM on synthetic sine → cosine sequences: three batches an epoch. */
export const TINY_SPEC = `seqnet 1
model tiny
input {
  steps 8
  features 1
}
lstm 4
head y {
  units 1
  at each_step
  loss mse
}
train {
  epochs 1
  batch_size 8
  seed 1
}
data {
  source synthetic sine_cosine { samples 40; steps 8 }
}
`;

/** A one-step-ahead forecaster of a two-column CSV file, standardized. */
export const CSV_SPEC = `seqnet 1
model series
input {
  steps 4
  features 2
}
gru 3
head next {
  units 1
  at last_step
  loss mse
}
train {
  epochs 1
  batch_size 8
  seed 2
}
data {
  source csv "series.csv" {
    features a b
    targets b
    window 4
    horizon 1
  }
  split 0.8 0.1 0.1
}
`;

export function seriesCsv(rows: number): string {
  const lines = ['a,b'];
  for (let i = 0; i < rows; i++) lines.push(`${Math.sin(i / 3).toFixed(4)},${(10 + Math.cos(i / 5)).toFixed(4)}`);
  return `${lines.join('\n')}\n`;
}

export interface Fixtures {
  root: string;
  tinySpec: string;
  csvSpec: string;
  csvFile: string;
  /** Finished runs of the two specs. */
  tinyRun: string;
  csvRun: string;
}

/** Writes the specs and trains each once (cpu backend, one epoch). */
export async function makeFixtures(): Promise<Fixtures> {
  const root = await mkdtemp(join(tmpdir(), 'seqnet-cli-'));
  const tinySpec = join(root, 'tiny.seqnet');
  const csvSpec = join(root, 'series.seqnet');
  const csvFile = join(root, 'series.csv');
  await writeFile(tinySpec, TINY_SPEC);
  await writeFile(csvSpec, CSV_SPEC);
  await writeFile(csvFile, seriesCsv(120));
  for (const spec of [tinySpec, csvSpec]) {
    const run = await runCli(['train', spec, '--backend', 'cpu', '--runs-dir', join(root, 'runs')], { cwd: root });
    if (run.code !== 0) throw new Error(`fixture training failed (${run.code}):\n${run.err}`);
  }
  return { root, tinySpec, csvSpec, csvFile, tinyRun: join(root, 'runs', 'tiny', '1'), csvRun: join(root, 'runs', 'series', '1') };
}

/** A copy of a finished run in `dir`, to corrupt. */
export async function copyRun(run: string, dir: string, name = 'run'): Promise<string> {
  const target = join(dir, name);
  await mkdir(dir, { recursive: true });
  await cp(run, target, { recursive: true });
  return target;
}
