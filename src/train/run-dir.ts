/**
 * The run directory `RUNS/NAME/N`: N is the next free integer, claimed with an exclusive `mkdir` so two runs
 * started together never share (or overwrite) a folder. The files written into it are named here.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelIR } from '../ir/types.js';
import type { Preprocessing } from '../data/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/index.js';
import { renderHistorySvg } from './plot.js';
import type { EpochLog } from './types.js';

export const RUN_FILES = {
  ir: 'ir.json',
  run: 'run.json',
  preprocessing: 'preprocessing.json',
  history: 'history.json',
  plot: 'curves.svg',
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
}

/** Creates `runsDir/name/N` with the smallest free N greater than every existing one. */
export async function createRunDir(runsDir: string, name: string): Promise<string> {
  const parent = join(runsDir, name);
  await mkdir(parent, { recursive: true });
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

export async function writeRunStart(
  runDir: string,
  files: { source: string; specCopy: string; ir: ModelIR; preprocessing: Preprocessing; info: RunInfo },
): Promise<void> {
  await writeFileAtomic(join(runDir, files.specCopy), files.source);
  await writeJsonAtomic(join(runDir, RUN_FILES.ir), files.ir);
  await writeJsonAtomic(join(runDir, RUN_FILES.preprocessing), files.preprocessing);
  await writeJsonAtomic(join(runDir, RUN_FILES.run), files.info);
}

/** History and curves, rewritten whenever the run stops (completed, early-stopped, interrupted, diverged). */
export async function writeRunHistory(runDir: string, history: EpochLog[], title: string, bestEpoch: number | null): Promise<void> {
  await writeJsonAtomic(join(runDir, RUN_FILES.history), history);
  await writeFileAtomic(join(runDir, RUN_FILES.plot), renderHistorySvg(history, title, bestEpoch));
}

export async function writeRunInfo(runDir: string, info: RunInfo): Promise<void> {
  await writeJsonAtomic(join(runDir, RUN_FILES.run), info);
}

export async function readRunJson<T>(runDir: string, file: string): Promise<T> {
  return JSON.parse(await readFile(join(runDir, file), 'utf8')) as T;
}
