/**
 * One error class means "the spec is invalid": `compileSpec` and `trainSpec` both throw InvalidSpecError, the
 * package exports it (and its deprecated old name SpecError, the same class), and the command line turns it
 * into the invalid-spec exit code after printing the diagnostics.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../src/cli/errors.js';
import { asUserError } from '../../src/cli/user-errors.js';
import * as seqnet from '../../src/index.js';

const INVALID = 'seqnet 1\nmodel broken\ninput { steps 5 }\n';

async function thrownBy(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('InvalidSpecError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is what compileSpec throws, with the diagnostics and the source to render them', async () => {
    const error = await thrownBy(() => seqnet.compileSpec(INVALID, 'broken.seqnet'));
    expect(error).toBeInstanceOf(seqnet.InvalidSpecError);
    const invalid = error as seqnet.InvalidSpecError;
    expect(invalid.fileName).toBe('broken.seqnet');
    expect(invalid.source).toBe(INVALID);
    expect(invalid.diagnostics.some((diagnostic) => diagnostic.severity === 'error' && diagnostic.file === 'broken.seqnet')).toBe(true);
    expect(invalid.message).toMatch(/^broken\.seqnet: \d+ errors? in the spec$/);
  });

  it('is what trainSpec throws, before anything is written', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'seqnet-invalid-'));
    const path = join(folder, 'broken.seqnet');
    writeFileSync(path, INVALID);
    const runsDir = join(folder, 'runs');
    const error = await thrownBy(() => seqnet.trainSpec(path, { runsDir }));
    expect(error).toBeInstanceOf(seqnet.InvalidSpecError);
    expect((error as seqnet.InvalidSpecError).fileName).toBe(path);
    expect(existsSync(runsDir)).toBe(false);
  });

  it('keeps its old name SpecError as the same class, so code catching either still works', () => {
    expect(seqnet.SpecError).toBe(seqnet.InvalidSpecError);
  });

  it('becomes the invalid-spec exit code on the command line, after the diagnostics are printed', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const error = await thrownBy(() => seqnet.compileSpec(INVALID, 'broken.seqnet'));
    const userError = asUserError(error);
    expect(userError?.exitCode).toBe(ExitCode.Invalid);
    expect(userError?.message).toMatch(/^broken\.seqnet: /);
    expect(written.join('')).toContain('broken.seqnet');
  });
});
