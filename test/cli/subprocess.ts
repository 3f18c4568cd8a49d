/**
 * Running the `seqnet` command as a user does: `node bin/seqnet.js …` in a child process (which loads the
 * compiled `dist/`, built by `npm test` before the suite), with its exit code, stdout and stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/seqnet.js', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  stdin?: string;
  /**
   * Mounts made for this command alone, in a mount namespace of its own (`unshare`): a tmpfs of `size` bytes
   * at `path`, read-only when asked. How the suite gets a full disk or a read-only folder without touching the
   * machine's own file systems.
   */
  mounts?: { path: string; size: number; readOnly?: boolean }[];
}

/** Whether this machine can make private mount namespaces (user namespaces via `unshare -rm`). */
export const canMount: boolean = spawnSync('unshare', ['-rm', 'true']).status === 0;

export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  const argv = options.mounts === undefined ? [process.execPath, CLI, ...args] : mountedArgv(args, options.mounts);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** `unshare -rm sh -c 'mount …; exec node seqnet.js ARGS'`, the arguments passed as positional parameters. */
function mountedArgv(args: readonly string[], mounts: NonNullable<CliOptions['mounts']>): string[] {
  const commands = mounts.map((mount, i) => `mount -t tmpfs -o size=${mount.size}${mount.readOnly === true ? ',ro' : ''} tmpfs "$${i + 1}"`);
  const script = `${commands.join(' && ')} && shift ${mounts.length} && exec "$@"`;
  return ['unshare', '-rm', 'sh', '-c', script, 'sh', ...mounts.map((mount) => mount.path), process.execPath, CLI, ...args];
}

/** A stack trace's frame line (`    at f (file:1:2)`), which a user error must never print. */
export const STACK_FRAME = /^\s+at .+[:(]/m;
