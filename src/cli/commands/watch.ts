/**
 * `seqnet generate --watch`: generates once, then again whenever a watched spec changes, until Ctrl-C
 * (exit 130, like the other commands; 143 after SIGTERM). A spec error does not end it: the diagnostics and
 * the one-line error are printed as `generate` prints them, and the next save tries again.
 *
 * It watches folders, not files: editors often save by writing a new file and renaming it over the old one,
 * which a watch on the old file would miss. Events are debounced (an editor's save is several writes), and
 * runs never overlap: a change during a run schedules one more run after it.
 */
import { watch, type FSWatcher } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { escapeControl } from '../../diagnostics/escape.js';
import { CliError, describeInternalError, ExitCode } from '../errors.js';
import { asUserError } from '../user-errors.js';

/** Quiet time after the last event before regenerating. Only batches events; nothing waits on it. */
const DEBOUNCE_MS = 100;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface WatchPlan {
  /** Folders to watch. */
  folders: string[];
  /** Whether a changed file name in `folder` concerns the watched specs. */
  concerns: (folder: string, fileName: string) => boolean;
  /** What the first line says is watched. */
  description: string;
}

/** The given specs, or (none given) every spec that is or will be in `specFolder`, as `generate` lists them. */
export function watchPlan(files: readonly string[], specFolder: string, specExtension: string): WatchPlan {
  if (files.length === 0) {
    return { folders: [specFolder], concerns: (_, name) => name.endsWith(specExtension), description: `the specs in ${specFolder}/` };
  }
  const names = new Set(files.map((file) => path.resolve(file)));
  const folders = [...new Set(files.map((file) => path.dirname(file)))];
  const plural = files.length === 1 ? '' : 's';
  return { folders, concerns: (folder, name) => names.has(path.resolve(folder, name)), description: `${files.length} spec${plural}` };
}

/** Runs `generate` now and after every change; resolves with the exit status when a stop signal arrives. */
export function watchAndGenerate(plan: WatchPlan, generate: () => Promise<void>): Promise<number> {
  const watchers: FSWatcher[] = [];
  return new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | null = null;
    let again = false;
    let stopped = false;
    const runNow = (): Promise<void> => {
      running = generateReporting(generate).finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void runNow();
        }
      });
      return running;
    };
    const schedule = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => (running === null ? void runNow() : (again = true)), DEBOUNCE_MS);
    };
    const stop = (signal: (typeof STOP_SIGNALS)[number]): void => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      watchers.forEach((watcher) => watcher.close());
      STOP_SIGNALS.forEach((name) => process.off(name, stop));
      // A run in progress finishes first: its writes are atomic, but its temporary files are removed at its end.
      void (running ?? Promise.resolve()).then(() => resolve(128 + constants.signals[signal]));
    };
    // Watching starts before the first run, so a change made while it runs is not missed.
    for (const folder of plan.folders) watchers.push(watchFolder(folder, plan, schedule));
    STOP_SIGNALS.forEach((name) => process.on(name, stop));
    void runNow().then(() => {
      if (!stopped) process.stderr.write(`watching ${plan.description} for changes (Ctrl-C to stop)\n`);
    });
  }).finally(() => watchers.forEach((watcher) => watcher.close()));
}

function watchFolder(folder: string, plan: WatchPlan, onChange: () => void): FSWatcher {
  try {
    // A platform that cannot say which file changed (fileName null) gets a run for every event in the folder.
    const watcher = watch(folder, (_, fileName) => {
      if (fileName === null || plan.concerns(folder, fileName.toString())) onChange();
    });
    // The folder removed or renamed: say so (the other folders are still watched) rather than crash.
    watcher.on('error', (error) => process.stderr.write(`seqnet: stopped watching ${folder}: ${error.message}\n`));
    return watcher;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message;
    throw new CliError(`cannot watch ${folder}: ${reason}`, ExitCode.Usage);
  }
}

/** One generation; errors are printed as the command line prints them, and watching goes on. */
async function generateReporting(generate: () => Promise<void>): Promise<void> {
  try {
    await generate();
  } catch (error) {
    const userError = asUserError(error);
    process.stderr.write(userError !== null ? `seqnet: ${escapeControl(userError.message)}\n` : describeInternalError(error));
  }
}
