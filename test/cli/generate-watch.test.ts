/**
 * `seqnet generate --watch` in a child process, driven by what it prints: every step waits for the output that
 * says the previous one happened (no sleeps), so the test is as slow as the machine and no slower.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, runCli } from './subprocess.js';

const folders: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  children.splice(0).forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  folders.splice(0).forEach((path) => rmSync(path, { recursive: true, force: true }));
});

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'seqnet-watch-'));
  folders.push(cwd);
  mkdirSync(join(cwd, 'specs'));
  return cwd;
}

/** Saves as editors do: a new file renamed over the old one. */
function save(path: string, text: string): void {
  writeFileSync(`${path}.saving`, text);
  renameSync(`${path}.saving`, path);
}

/** A running `seqnet generate --watch` whose output can be awaited. */
function startWatch(cwd: string, args: string[] = []) {
  const child = spawn(process.execPath, [CLI, 'generate', '--watch', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  const output = { out: '', err: '' };
  const waiters: (() => void)[] = [];
  const notify = () => waiters.forEach((check) => check());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((output.out += chunk), notify()));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((output.err += chunk), notify()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  /** Resolves once the output satisfies `condition`; rejects if the process ends first. */
  const until = (condition: (o: typeof output) => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => condition(output) && resolve();
      waiters.push(check);
      check();
      void closed.then(() => (condition(output) ? resolve() : reject(new Error(`the watcher ended first:\n${output.out}${output.err}`))));
    });
  return { child, output, until, closed };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('seqnet generate --watch', () => {
  it('generates, regenerates on a change and on a new spec, survives an error, and exits 130 on Ctrl-C', async () => {
    const cwd = project();
    const sine = join(cwd, 'specs/sine.seqnet');
    const module = join(cwd, 'generated/sine.ts');
    copyFileSync(join(PROJECT_ROOT, 'specs/sine.seqnet'), sine);
    const watcher = startWatch(cwd);

    await watcher.until((o) => o.err.includes('watching the specs in specs/ for changes'));
    expect(watcher.output.out).toBe('written: generated/sine.ts\n');
    expect(readFileSync(module, 'utf8')).toContain('units: 32,');

    save(sine, readFileSync(sine, 'utf8').replace('lstm 32', 'lstm 16'));
    await watcher.until((o) => count(o.out, 'written: generated/sine.ts') === 2);
    expect(readFileSync(module, 'utf8')).toContain('units: 16,');

    copyFileSync(join(PROJECT_ROOT, 'specs/ln_gru.seqnet'), join(cwd, 'specs/ln_gru.seqnet'));
    await watcher.until((o) => o.out.includes('written: generated/ln_gru.ts'));

    const good = readFileSync(module, 'utf8');
    save(sine, readFileSync(sine, 'utf8').replace('lstm 16', 'lstm 16 banana'));
    await watcher.until((o) => o.err.includes('seqnet: 1 spec is invalid; nothing written'));
    expect(watcher.output.err).toMatch(/specs\/sine\.seqnet:\d+:\d+: error\[SN1007\]: too many arguments for 'lstm'/);
    expect(readFileSync(module, 'utf8')).toBe(good);

    // Still watching after the error: the fix is generated.
    save(sine, readFileSync(sine, 'utf8').replace('lstm 16 banana', 'lstm 8'));
    await watcher.until((o) => count(o.out, 'written: generated/sine.ts') === 3);
    expect(readFileSync(module, 'utf8')).toContain('units: 8,');

    watcher.child.kill('SIGINT');
    expect(await watcher.closed).toEqual({ code: 130, signal: null });
  });

  it('watches the specs it is given, writes into --out, and exits 143 on SIGTERM', async () => {
    const cwd = project();
    const sine = join(cwd, 'specs/sine.seqnet');
    copyFileSync(join(PROJECT_ROOT, 'specs/sine.seqnet'), sine);
    const watcher = startWatch(cwd, ['specs/sine.seqnet', '--out', 'out']);
    await watcher.until((o) => o.err.includes('watching 1 spec for changes'));
    save(sine, readFileSync(sine, 'utf8').replace('lstm 32', 'lstm 4'));
    await watcher.until((o) => count(o.out, 'written: out/sine.ts') === 2);
    watcher.child.kill('SIGTERM');
    expect(await watcher.closed).toEqual({ code: 143, signal: null });
    expect(readFileSync(join(cwd, 'out/sine.ts'), 'utf8')).toContain('units: 4,');
  });

  it('refuses --check with --watch, and a spec folder that is not there (exit 2, one line)', async () => {
    const cwd = project();
    const both = await runCli(['generate', '--watch', '--check'], { cwd });
    expect([both.code, both.err]).toEqual([2, 'seqnet: --watch and --check cannot be combined: --check writes nothing\n']);
    rmSync(join(cwd, 'specs'), { recursive: true });
    const missing = await runCli(['generate', '--watch'], { cwd });
    expect([missing.code, missing.err]).toEqual([2, 'seqnet: cannot watch specs: no such folder\n']);
  });
});
