import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFolders } from '../../src/io/folders.js';

describe('makeFolders', () => {
  it('creates every missing level, and accepts folders that exist', async () => {
    const root = await mkdtemp(join(tmpdir(), 'seqnet-folders-'));
    await makeFolders(join(root, 'a', 'b', 'c'));
    expect((await stat(join(root, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    await expect(makeFolders(join(root, 'a', 'b'))).resolves.toBeUndefined();
  });

  it('says which level is a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'seqnet-folders-'));
    await writeFile(join(root, 'f'), 'x');
    await expect(makeFolders(join(root, 'f', 'g'))).rejects.toMatchObject({ code: 'ENOTDIR', path: join(root, 'f') });
  });
});
