/**
 * The run directory `RUNS/NAME/N`: N is the next free integer, claimed with an exclusive `mkdir` so two runs
 * started together never share (or overwrite) a folder. The files written into it are named here; each is
 * committed through the folder's `manifest.json` and read back only when it matches (src/io/manifest.ts).
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataIR, ModelIR } from '../ir/types.js';
import type { Preprocessing } from '../data/index.js';
import { commitFiles, isProcessAlive, makeFolders, readVerifiedJson, RunFileError } from '../io/index.js';
import { renderHistorySvg } from './plot.js';
import type { EpochLog } from './types.js';

export const RUN_FILES = {
  ir: 'ir.json',
  run: 'run.json',
  preprocessing: 'preprocessing.json',
  history: 'history.json',
  plot: 'curves.svg',
  manifest: 'manifest.json',
} as const;

/** What `run.json` records about a run. */
export interface RunInfo {
  model: string;
  /** The spec file as given, and the spec source's file name inside the run directory. */
  specPath: string;
  specCopy: string;
  backend: string;
  data: string;
  startedAt: string;
  status: 'running' | 'completed' | 'early_stopping' | 'interrupted' | 'diverged';
  bestEpoch: number | null;
  test: Record<string, number> | null;
  /** Updates skipped over the run for non-finite gradients (absent in runs written before they were counted). */
  skippedUpdates?: number;
  /** The process training the run, recorded while the status is `running` (so a reader can tell a killed run). */
  pid?: number;
}

const FINISHED: readonly RunInfo['status'][] = ['completed', 'early_stopping'];

/** Whether the run's final files (model, history, run.json) were all written. */
export function isFinished(info: RunInfo): boolean {
  return FINISHED.includes(info.status);
}

/** Creates `runsDir/name/N` with the smallest free N greater than every existing one. */
export async function createRunDir(runsDir: string, name: string): Promise<string> {
  const parent = join(runsDir, name);
  await makeFolders(parent);
  const taken = (await readdir(parent)).filter((entry) => /^\d+$/.test(entry)).map(Number);
  for (let n = Math.max(0, ...taken) + 1; ; n++) {
    try {
      await mkdir(join(parent, String(n)));
      return join(parent, String(n));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export async function writeRunStart(
  runDir: string,
  files: { source: string; specCopy: string; ir: ModelIR; preprocessing: Preprocessing; info: RunInfo },
): Promise<void> {
  await commitFiles(runDir, {
    [files.specCopy]: files.source,
    [RUN_FILES.ir]: json(files.ir),
    [RUN_FILES.preprocessing]: json(files.preprocessing),
    [RUN_FILES.run]: json(files.info),
  });
}

/** History and curves, rewritten whenever the run stops (completed, early-stopped, interrupted, diverged). */
export async function writeRunHistory(runDir: string, history: EpochLog[], title: string, bestEpoch: number | null): Promise<void> {
  await commitFiles(runDir, { [RUN_FILES.history]: json(history), [RUN_FILES.plot]: renderHistorySvg(history, title, bestEpoch) });
}

/** `run.json`; the process id is recorded while the run is `running` and dropped otherwise. */
export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  await commitFiles(runDir, { [RUN_FILES.run]: json({ ...info, pid: info.status === 'running' ? process.pid : undefined }) });
}

export async function writeRunIr(runDir: string, ir: ModelIR): Promise<void> {
  await commitFiles(runDir, { [RUN_FILES.ir]: json(ir) });
}

/** A JSON file of the run, verified against the run's manifest (a `RunFileError` otherwise). */
export function readRunJson<T>(runDir: string, file: string): Promise<T> {
  return readVerifiedJson<T>(runDir, file);
}

/** `ir.json`, checked to be a trainable model IR (name, layers, heads, train and data blocks). */
export async function readRunIr(runDir: string): Promise<ModelIR & { data: DataIR }> {
  const ir = await readRunJson<ModelIR & { data: DataIR }>(runDir, RUN_FILES.ir);
  const valid = typeof ir === 'object' && ir !== null && typeof ir.name === 'string' && Array.isArray(ir.layers) && Array.isArray(ir.heads) && typeof ir.train === 'object' && ir.train !== null && typeof ir.data === 'object' && ir.data !== null;
  if (!valid) throw new RunFileError(join(runDir, RUN_FILES.ir), 'is not the IR of a trainable model (name, layers, heads, train and data)');
  return ir;
}

/** `run.json`, checked to be an object with a known status. */
export async function readRunInfo(runDir: string): Promise<RunInfo> {
  const info = await readRunJson<RunInfo>(runDir, RUN_FILES.run);
  const statuses: readonly string[] = ['running', ...FINISHED, 'interrupted', 'diverged'];
  if (typeof info !== 'object' || info === null || !statuses.includes(info.status)) {
    throw new RunFileError(join(runDir, RUN_FILES.run), `has no valid status (one of ${statuses.join(', ')})`);
  }
  return info;
}

/**
 * What a run that is not finished is, in words, for refusing to evaluate it or to resume it twice: a live
 * process still training it, or training that stopped (interrupted, killed, diverged) and how to go on.
 */
export function unfinishedState(runDir: string, info: RunInfo): { training: boolean; description: string } {
  const resume = `finish it with: seqnet train --resume ${runDir}`;
  if (info.status === 'running' && info.pid !== undefined && info.pid !== process.pid && isProcessAlive(info.pid)) {
    return { training: true, description: `is being trained right now (process ${info.pid}); wait until it has finished` };
  }
  if (info.status === 'running') return { training: false, description: `was killed before training finished (run.json still says running, and its process is gone); ${resume}` };
  if (info.status === 'interrupted') return { training: false, description: `was interrupted before training finished; ${resume}` };
  return { training: false, description: 'diverged, so it has no trained model (see history.json; change the spec and train again)' };
}
