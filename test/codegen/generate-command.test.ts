/** `seqnet generate`'s failure modes: nothing is written unless every module can be, and errors are one line. */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

let output: { stdout: string; stderr: string };
let folder: string;

beforeEach(() => {
  output = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((output.stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((output.stderr += String(chunk)), true));
  process.exitCode = undefined;
  folder = mkdtempSync(path.join(tmpdir(), 'seqnet-generate-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(folder, { recursive: true, force: true });
});

/** Copies a shipped spec to `folder/relative`. */
function spec(shipped: string, relative: string): string {
  const target = path.join(folder, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(path.join('specs', shipped), target);
  return target;
}

const oneLine = (text: string): boolean => text.split('\n').length === 2 && text.endsWith('\n');

describe('seqnet generate refuses before writing anything', () => {
  it('when two specs would generate the same file (exit 2, one line)', async () => {
    const first = spec('sine.seqnet', 'a/x.seqnet');
    const second = spec('ln_gru.seqnet', 'b/x.seqnet');
    const out = path.join(folder, 'out');
    expect(await main(['generate', first, second, '--out', out])).toBe(2);
    expect(output.stderr).toBe(`seqnet: ${first} and ${second} would both generate ${path.join(out, 'x.ts')}; generate them into different --out folders\n`);
    expect(readdirSync(folder).sort()).toEqual(['a', 'b']);
  });

  it('but a spec named twice is generated once', async () => {
    const sine = spec('sine.seqnet', 'x.seqnet');
    const out = path.join(folder, 'out');
    expect(await main(['generate', sine, sine, '--out', out])).toBe(0);
    expect(output.stdout).toBe(`written: ${path.join(out, 'x.ts')}\n`);
  });

  it('when --out is an existing regular file (exit 2, one line, the file untouched)', async () => {
    const sine = spec('sine.seqnet', 'sine.seqnet');
    const out = path.join(folder, 'notes.txt');
    writeFileSync(out, 'keep me\n');
    expect(await main(['generate', sine, '--out', out])).toBe(2);
    expect(output.stderr).toBe(`seqnet: --out ${out} is not a folder\n`);
    expect(readFileSync(out, 'utf8')).toBe('keep me\n');
    expect(await main(['generate', sine, '--out', out, '--check'])).toBe(2);
  });

  it('when one spec is invalid: the valid ones are not written either (exit 1)', async () => {
    const sine = spec('sine.seqnet', 'sine.seqnet');
    const broken = path.join(folder, 'broken.seqnet');
    writeFileSync(broken, 'seqnet 1\nmodel broken\ninput { steps 5; features 2 }\nlstm 4 { norm nonsense }\nhead y { units 1 }\n');
    const out = path.join(folder, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'sine.ts'), '// the previous module\n');
    expect(await main(['generate', sine, broken, '--out', out])).toBe(1);
    expect(output.stderr).toContain('seqnet: 1 spec is invalid; nothing written\n');
    expect(readdirSync(out)).toEqual(['sine.ts']);
    expect(readFileSync(path.join(out, 'sine.ts'), 'utf8')).toBe('// the previous module\n');
  });
});

describe('seqnet generate when a write fails', () => {
  it('reports one line (exit 2) and leaves no temporary files', async () => {
    const sine = spec('sine.seqnet', 'sine.seqnet');
    const out = path.join(folder, 'out');
    // A folder where the module should go: the rename over it fails.
    mkdirSync(path.join(out, 'sine.ts'), { recursive: true });
    expect(await main(['generate', sine, '--out', out])).toBe(2);
    expect(output.stderr).toMatch(/^seqnet: cannot write .*sine\.ts: /);
    expect(oneLine(output.stderr)).toBe(true);
    expect(readdirSync(out)).toEqual(['sine.ts']);
  });
});
