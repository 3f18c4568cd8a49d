import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };

describe('seqnet --version', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each(['--version', '-V'])('%s prints package.json’s version and exits 0', async (flag) => {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    expect(await main([flag])).toBe(0);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(stdout).toBe(`${version}\n`);
  });
});
