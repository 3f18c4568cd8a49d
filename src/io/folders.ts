/** Creating a folder and its missing parents, with the real reason when that fails. */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `mkdir -p`, one level at a time. Node's `mkdir(path, { recursive: true })` reports some failures as ENOENT
 * (on a read-only file system Node 20 says "no such file or directory" where the cause is EROFS); creating
 * each missing level on its own surfaces the error the system actually gave, with the level's path.
 */
export async function makeFolders(path: string): Promise<void> {
  const missing: string[] = [];
  // The path as given (relative stays relative), so that a message names the folder the way the user did.
  for (let folder = path; !(await isFolder(folder)) && dirname(folder) !== folder; folder = dirname(folder)) missing.push(folder);
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Made by another process in the meantime is fine; a file of that name is not.
      if (!(await isFolder(folder))) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${folder}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: folder });
    }
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
