import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const MESSY = 'seqnet   1\nmodel m\ninput{steps 5;features 1}\n';
const FORMATTED = 'seqnet 1\nmodel m\ninput { steps 5; features 1 }\n';

let dir: string;
let stdout: string;
let stderr: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seqnet-fmt-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('seqnet fmt', () => {
  it('rewrites an unformatted file and says so', async () => {
    const path = file('a.seqnet', MESSY);
    expect(await main(['fmt', path])).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(FORMATTED);
    expect(stdout).toBe(`formatted ${path}\n`);
    expect(readdirSync(dir)).toEqual(['a.seqnet']);
  });

  it('leaves a formatted file untouched and prints nothing', async () => {
    const path = file('a.seqnet', FORMATTED);
    const before = statSync(path);
    expect(await main(['fmt', path])).toBe(0);
    expect(stdout).toBe('');
    // A rewrite would rename a new file into place and change the inode.
    expect(statSync(path).ino).toBe(before.ino);
  });

  it('--check lists unformatted files, writes nothing and exits 1', async () => {
    const messy = file('messy.seqnet', MESSY);
    const clean = file('clean.seqnet', FORMATTED);
    expect(await main(['fmt', '--check', messy, clean])).toBe(1);
    expect(readFileSync(messy, 'utf8')).toBe(MESSY);
    expect(stdout).toBe(`${messy} is not formatted\nrun \`seqnet fmt ${messy}\` to fix\n`);
  });

  it('--check exits 0 when every file is formatted', async () => {
    expect(await main(['fmt', '--check', file('a.seqnet', FORMATTED)])).toBe(0);
    expect(stdout).toBe('');
  });

  it('reports syntax errors with a code frame, leaves the file alone and exits 1', async () => {
    const path = file('broken.seqnet', 'input {\n  steps 5\n');
    expect(await main(['fmt', path])).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('input {\n  steps 5\n');
    expect(stderr).toContain(`${path}:2:10`);
    expect(stderr).toContain('SN0010');
    expect(stderr).toContain("expected '}' but found end of file");
  });

  it('exits 2 for a missing file but still formats the others', async () => {
    const path = file('a.seqnet', MESSY);
    expect(await main(['fmt', join(dir, 'missing.seqnet'), path])).toBe(2);
    expect(stderr).toContain(`cannot read ${join(dir, 'missing.seqnet')}: no such file`);
    expect(readFileSync(path, 'utf8')).toBe(FORMATTED);
  });

  it('exits 2 without files (usage error)', async () => {
    expect(await main(['fmt'])).toBe(2);
  });
});

/** Makes `process.stdin` read `text` (the command reads it to the end, as from a pipe). */
function pipeIntoStdin(text: string): void {
  vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(text, 'utf8')]) as typeof process.stdin);
}

describe('seqnet fmt - (standard input)', () => {
  it('writes the formatted text to stdout and nothing else', async () => {
    pipeIntoStdin(MESSY);
    expect(await main(['fmt', '-'])).toBe(0);
    expect(stdout).toBe(FORMATTED);
    expect(stderr).toBe('');
  });

  it('--check exits 1 and says so when stdin is not formatted, writing no formatted text', async () => {
    pipeIntoStdin(MESSY);
    expect(await main(['fmt', '--check', '-'])).toBe(1);
    expect(stdout).toBe('<stdin> is not formatted\n');
  });

  it('--check exits 0 silently when stdin is formatted', async () => {
    pipeIntoStdin(FORMATTED);
    expect(await main(['fmt', '--check', '-'])).toBe(0);
    expect(stdout).toBe('');
  });

  it('reports syntax errors against <stdin>, prints no text and exits 1', async () => {
    pipeIntoStdin('input {\n  steps 5\n');
    expect(await main(['fmt', '-'])).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('<stdin>:2:10');
    expect(stderr).toContain('SN0010');
  });

  it('refuses - together with file names (usage error, exit 2) and touches no file', async () => {
    const path = file('a.seqnet', MESSY);
    pipeIntoStdin(MESSY);
    expect(await main(['fmt', '-', path])).toBe(2);
    expect(stderr).toBe("seqnet: '-' (standard input) cannot be combined with file names\n");
    expect(readFileSync(path, 'utf8')).toBe(MESSY);
  });
});
