import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/index.js';

it('replaces a file in one step and leaves no temporary file behind, also when the write fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'seqnet-atomic-'));
  await writeFileAtomic(join(dir, 'a.txt'), 'first');
  await writeFileAtomic(join(dir, 'a.txt'), 'second');
  expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('second');
  await expect(writeFileAtomic(join(dir, 'missing', 'b.txt'), 'x')).rejects.toThrow(/ENOENT/);
  expect(await readdir(dir)).toEqual(['a.txt']);
});
