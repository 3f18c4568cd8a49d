/** `seqnet check`, `seqnet ir` and `seqnet schema`: output, exit codes, and no stack traces for bad input. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerCheckCommands } from '../../src/cli/commands/check.js';

const specs = join(import.meta.dirname, '../../specs');
const folder = mkdtempSync(join(tmpdir(), 'seqnet-check-'));
const bad = join(folder, 'bad.seqnet');
writeFileSync(bad, 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8 { activation tanhh }\nhead y { units 1 }\n');

let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(...args: string[]): Promise<number | undefined> {
  const program = new Command('seqnet').exitOverride();
  registerCheckCommands(program);
  await program.parseAsync(args, { from: 'user' });
  const code = process.exitCode;
  return typeof code === 'number' ? code : undefined;
}

describe('seqnet check', () => {
  it('a file with more than 100 000 errors: the first 100, a count of the rest, exit 1', async () => {
    const many = join(folder, 'many.seqnet.json');
    const body = Array.from({ length: 100_050 }, () => ({ type: 'dense', units: 0 }));
    writeFileSync(many, JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 1, features: 1 }, body, heads: [{ name: 'y', units: 1 }] }));
    expect(await run('check', many, '--format', 'text')).toBe(1);
    expect(stdout.match(/error\[SN1005\]/g)).toHaveLength(100);
    expect(stdout).toContain('error[SN1013]: … and 99950 more errors');
    expect(stdout.endsWith('100050 errors, 0 warnings\n')).toBe(true);
  });

  it('exits 0 for valid specs', async () => {
    expect(await run('check', join(specs, 'sine.seqnet'), join(specs, 'ln_gru.seqnet'))).toBe(0);
    expect(stdout).toBe('2 files checked: no problems\n');
  });

  it('reports every file’s errors together and exits 1', async () => {
    expect(await run('check', bad, join(specs, 'sine.seqnet'), bad)).toBe(1);
    expect(stdout.match(/error\[SN1003\]/g)).toHaveLength(2);
    expect(stdout).toContain('2 errors, 0 warnings');
  });

  it('prints JSON with --format json', async () => {
    await run('check', '--format', 'json', bad);
    const parsed = JSON.parse(stdout) as { code: string; line: number; column: number }[];
    expect(parsed.map((d) => [d.code, d.line, d.column])).toEqual([['SN1003', 4, 21]]);
  });

  it('exits 2 for a missing file, without a stack trace', async () => {
    expect(await run('check', join(folder, 'missing.seqnet'))).toBe(2);
    expect(stdout).toContain('SN1000');
    expect(stdout + stderr).not.toMatch(/\n\s+at /);
  });
});

describe('seqnet ir and schema', () => {
  it('prints the resolved IR', async () => {
    expect(await run('ir', join(specs, 'sine.seqnet'))).toBe(0);
    const ir = JSON.parse(stdout) as { irVersion: number; name: string };
    expect([ir.irVersion, ir.name]).toEqual([1, 'sine']);
  });

  it('prints diagnostics to stderr and nothing to stdout for an invalid spec', async () => {
    expect(await run('ir', bad)).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('SN1003');
  });

  it('prints a draft-07 schema', async () => {
    await run('schema');
    const schema = JSON.parse(stdout) as { $schema: string; required: string[] };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toContain('heads');
  });
});

describe('seqnet check with warnings only', () => {
  it('prints the warnings and exits 0', async () => {
    const warned = join(folder, 'warned.seqnet');
    writeFileSync(warned, 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\ngru 8 { forget_bias 1 }\nhead y { units 1 }\n');
    expect(await run('check', warned)).toBe(0);
    expect(stdout).toContain('warning[SN3001]');
    expect(stdout).toContain('0 errors, 1 warning');
  });
});
