/** A run that cannot write its first files (a full disk) leaves no run directory behind. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sineIr } from './fixtures.js';
import { tempDir, train } from './helpers.js';

vi.mock('../../src/train/run-dir.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/train/run-dir.js')>();
  return {
    ...original,
    // The folder is claimed, then the disk is full.
    writeRunStart: vi.fn(async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }),
  };
});

describe('a run that cannot start', () => {
  it('removes the run directory it claimed and rethrows the error', async () => {
    const root = await tempDir();
    await expect(train(sineIr({ train: { epochs: 1 } }), root)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(join(root, 'runs', 'tiny_sine'))).toEqual([]);
  });
});
