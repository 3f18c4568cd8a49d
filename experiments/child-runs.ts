/**
 * Runs an experiment's training runs in child processes, `parallel` at a time: each tfjs wasm backend computes on
 * one thread, so two processes use both cores of a 2-core machine. One fresh process per run: a run's numbers
 * depend only on its own settings (its seed, not which runs shared its process before), a crash or an exhausted
 * heap loses that run only, and its CPU time is its process's.
 *
 * The protocol (node's IPC channel, JSON): the parent sends the job; the child sends any number of
 * `{ type: 'progress' }` messages, then `{ type: 'done' }` with the result or `{ type: 'failed' }` with one line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type ChildMessage<Progress, Result> =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: Result; wallSeconds: number; cpuSeconds: number }
  | { type: 'failed'; message: string };

export interface ChildRunHandlers<Job, Progress, Result> {
  onProgress(job: Job, progress: Progress): void;
  /** Awaited before the next result is handed over, so that results are written one at a time. */
  onDone(job: Job, done: { result: Result; wallSeconds: number; cpuSeconds: number }): Promise<void>;
  onFailed(job: Job, message: string): void;
}

/** Runs every job in a process of its own running `script`, at most `parallel` at once; resolves when all ended. */
export async function runInChildProcesses<Job, Progress, Result>(script: URL, jobs: readonly Job[], parallel: number, handlers: ChildRunHandlers<Job, Progress, Result>): Promise<void> {
  const queue = [...jobs];
  let writing = Promise.resolve();
  const children = new Set<ChildProcess>();
  const stopChildren = stopChildrenOnSignals(children);
  const lane = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const current = job;
      const outcome = await runOne<Job, Progress, Result>(script, current, children, (progress) => handlers.onProgress(current, progress));
      if (outcome.type === 'done') {
        writing = writing.then(() => handlers.onDone(current, outcome));
        await writing;
      } else handlers.onFailed(current, outcome.message);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, lane));
  } finally {
    stopChildren();
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While runs are going, a signal that stops this process stops its children first, then this process as the
 * signal would have. Without it a `kill` of the parent leaves the children training: a child notices that its
 * parent went away (the IPC channel closing) only between two of its awaits, which a long synchronous tfjs call
 * can put minutes apart. Returns the function that removes the handlers.
 */
function stopChildrenOnSignals(children: ReadonlySet<ChildProcess>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    for (const child of children) child.kill('SIGKILL');
    remove();
    process.kill(process.pid, signal);
  };
  const remove = (): void => STOP_SIGNALS.forEach((signal) => process.off(signal, handler));
  STOP_SIGNALS.forEach((signal) => process.on(signal, handler));
  return remove;
}

type Outcome<Result> = Exclude<ChildMessage<unknown, Result>, { type: 'progress' }>;

function runOne<Job, Progress, Result>(script: URL, job: Job, children: Set<ChildProcess>, onProgress: (progress: Progress) => void): Promise<Outcome<Result>> {
  return new Promise((resolve) => {
    let outcome: Outcome<Result> | null = null;
    // The child's stderr goes to ours (a crash's own message stays visible); its stdout is not used.
    const child: ChildProcess = fork(fileURLToPath(script), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    child.on('message', (message: ChildMessage<Progress, Result>) => {
      if (message.type === 'progress') onProgress(message.progress);
      else outcome ??= message;
    });
    child.on('error', (error) => {
      outcome ??= { type: 'failed', message: `could not start ${fileURLToPath(script)}: ${error.message}` };
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(outcome ?? { type: 'failed', message: `the run's process ended (${signal === null ? `exit code ${code}` : `signal ${signal}`}) without a result` });
    });
    child.send(job as object);
  });
}

/**
 * The child's side: receives one job, runs `work` on it and sends its progress and outcome. An error becomes
 * a `failed` message of one line; the process exits when the parent goes away (it was stopped) as well. The
 * wall and CPU times reported are the whole process's, from its start (loading the data included).
 */
export function serveOneJob<Job, Progress, Result>(work: (job: Job, progress: (progress: Progress) => void) => Promise<Result>): void {
  const send = (message: ChildMessage<Progress, Result>): Promise<void> => new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
  process.on('disconnect', () => process.exit(1));
  process.once('message', (job: Job) => {
    work(job, (progress) => void send({ type: 'progress', progress }))
      .then((result) => {
        const { user, system } = process.cpuUsage();
        return send({ type: 'done', result, wallSeconds: performance.now() / 1000, cpuSeconds: (user + system) / 1e6 });
      })
      .catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
      .finally(() => process.exit(0));
  });
}
