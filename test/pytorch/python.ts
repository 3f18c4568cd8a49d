/**
 * Debian's Python with numpy (and torch) for the PyTorch back end's tests. CI installs python3-numpy and
 * python3-torch (README, development); on a machine without them these tests are skipped, but never in CI,
 * where a missing package must fail rather than pass by skipping.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

function imports(modules: readonly string[]): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' }).status === 0;
}

const inCi = process.env.CI !== undefined && process.env.CI !== '';

/** Whether the tests that need these Python modules run here. */
export function pythonHas(modules: readonly string[]): boolean {
  return inCi || imports(modules);
}

/** Runs a Python script (given as text) with arguments; its stdout, or an error with its stderr. */
export function runPython(script: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  const result = spawnSync(PYTHON, ['-c', script, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}
