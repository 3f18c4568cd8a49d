import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commitFiles, isPlainFileName, readVerifiedFile, removeStaleTemporaries, RunFileError, settleManifest } from '../../src/io/index.js';

const folder = (): Promise<string> => mkdtemp(join(tmpdir(), 'seqnet-manifest-'));

interface Listed {
  files: Record<string, { size: number; sha256: string; previous?: unknown }>;
}
const manifestOf = async (dir: string): Promise<Listed> => JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Listed;

describe('manifest', () => {
  it('lists committed files and returns their bytes only while they match', async () => {
    const dir = await folder();
    await commitFiles(dir, { 'a.txt': 'first', 'b.bin': new Uint8Array([1, 2, 3]) });
    await commitFiles(dir, { 'a.txt': 'second' });
    expect((await readVerifiedFile(dir, 'a.txt')).toString()).toBe('second');
    expect(Object.keys((await manifestOf(dir)).files).sort()).toEqual(['a.txt', 'b.bin']);
    expect((await manifestOf(dir)).files['a.txt']).not.toHaveProperty('previous');
    await writeFile(join(dir, 'a.txt'), 'third');
    await expect(readVerifiedFile(dir, 'a.txt')).rejects.toThrow(RunFileError);
    await writeFile(join(dir, 'c.txt'), 'unlisted');
    await expect(readVerifiedFile(dir, 'c.txt')).rejects.toThrow(/c\.txt: not listed in manifest\.json/);
    await expect(readVerifiedFile(dir, '../etc/passwd')).rejects.toThrow(/'\.\.\/etc\/passwd' is not a file name inside the folder/);
  });

  it('accepts either version of a file during an unfinished commit, and settles it to the version on disk', async () => {
    const dir = await folder();
    await commitFiles(dir, { 'a.txt': 'old', 'b.txt': 'kept' });
    const committed = await manifestOf(dir);
    // A commit of a.txt = 'new' and c.txt that a kill stopped after its first step (manifest rewritten, no file
    // written yet); its digests are taken from the same commit completed in another folder.
    const other = await folder();
    await commitFiles(other, { 'a.txt': 'new', 'c.txt': 'never written' });
    const pending = {
      version: 1,
      files: { ...committed.files, 'a.txt': { ...(await manifestOf(other)).files['a.txt'], previous: committed.files['a.txt'] }, 'c.txt': { ...(await manifestOf(other)).files['c.txt'], previous: null } },
    };
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(pending));
    expect((await readVerifiedFile(dir, 'a.txt')).toString()).toBe('old');
    await writeFile(join(dir, 'a.txt'), 'new');
    expect((await readVerifiedFile(dir, 'a.txt')).toString()).toBe('new');
    await expect(readVerifiedFile(dir, 'c.txt')).rejects.toThrow(/c\.txt: missing \(its write was interrupted before it began\)/);
    await settleManifest(dir);
    const settled = await manifestOf(dir);
    expect(Object.keys(settled.files).sort()).toEqual(['a.txt', 'b.txt']);
    expect(settled.files['a.txt']).toEqual((await manifestOf(other)).files['a.txt']);
  });

  it('tells plain file names from paths', () => {
    expect(['weights.bin', 'model.json', 'a..b'].map(isPlainFileName)).toEqual([true, true, true]);
    expect(['', '.', '..', '../x', 'a/b', 'a\\b', '/etc/passwd'].map(isPlainFileName)).toEqual([false, false, false, false, false, false, false]);
  });

  it('removes the temporary files and staging folders of dead processes only', async () => {
    const dir = await folder();
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    await writeFile(join(dir, `run.json.tmp-${dead}-00ff00ff`), 'x');
    await mkdir(join(dir, `checkpoint.tmp-${dead}-11aa22bb`));
    await writeFile(join(dir, `run.json.tmp-${process.pid}-00ff00ff`), 'x');
    await writeFile(join(dir, 'notes.tmp-keep'), 'x');
    expect((await removeStaleTemporaries(dir)).sort()).toEqual([`checkpoint.tmp-${dead}-11aa22bb`, `run.json.tmp-${dead}-00ff00ff`]);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp-keep', `run.json.tmp-${process.pid}-00ff00ff`]);
  });
});
