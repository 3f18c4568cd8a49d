/** Writes that never leave a half-written file: write a temporary file next to the target, then rename. */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `NAME.tmp-PID-HEX`: the pid says whose it is, so a later process can tell a stale one from one in use. */
const TEMPORARY = /\.tmp-(\d+)-[0-9a-f]{8}$/;

/** A temporary name in the same folder as `path` (same file system, so the rename is atomic). */
export function temporaryPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    // The user knows the file by its name, not by the temporary one (a write error may carry no path at all).
    if (error instanceof Error) (error as NodeJS.ErrnoException).path = path;
    throw error;
  }
}

/** JSON with two-space indentation and a final newline. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files and staging folders in `dir` left by processes that no longer run (a crash or
 * a kill between a write and its rename); those of live processes, this one included, are in use. Returns
 * the names removed.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const stale = (await readdir(dir)).filter((name) => {
    const match = TEMPORARY.exec(name);
    if (match === null) return false;
    const pid = Number(match[1]);
    return pid !== process.pid && !isProcessAlive(pid);
  });
  await Promise.all(stale.map((name) => rm(join(dir, name), { recursive: true, force: true })));
  return stale;
}
