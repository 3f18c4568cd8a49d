/**
 * A folder as a small database: every file in it is listed in `manifest.json` with its size and SHA-256, and
 * readers take a file's bytes only when they match. Writers change files with `commitFiles`, in three
 * atomic steps, so that a kill at any moment leaves a folder that still verifies:
 *
 * 1. the manifest is rewritten listing each file's new digest, with the old one (or null for a new file) as
 *    `previous`;
 * 2. each file is written (temporary file + rename);
 * 3. the manifest is rewritten without `previous`.
 *
 * Between 1 and 3 each file is either its old or its new version (renames are atomic) and both verify;
 * `settleManifest` turns such an unfinished commit back into a plain manifest.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { RunFileError } from './errors.js';
import { faultPoint } from './faults.js';

export const MANIFEST_FILE = 'manifest.json';

interface FileDigest {
  size: number;
  sha256: string;
}

interface ManifestEntry extends FileDigest {
  /** Set while a commit is under way: the file's digest before it (null: the file did not exist). */
  previous?: FileDigest | null;
}

interface Manifest {
  version: 1;
  files: Record<string, ManifestEntry>;
}

const MANIFEST_VERSION = 1;

function digest(bytes: Uint8Array): FileDigest {
  return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const sameDigest = (a: FileDigest, b: FileDigest): boolean => a.size === b.size && a.sha256 === b.sha256;

/** Only a plain name inside the folder: no separators, no `..`, nothing that could lead elsewhere. */
export function isPlainFileName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && name === basename(name);
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RunFileError(path, `cannot be read (${(error as Error).message})`);
  }
}

function parseManifest(path: string, bytes: Buffer): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  } catch {
    throw new RunFileError(path, 'is not valid JSON; the folder cannot be verified, so nothing in it is used');
  }
  const valid =
    typeof manifest === 'object' && manifest !== null && manifest.version === MANIFEST_VERSION && typeof manifest.files === 'object' && manifest.files !== null &&
    Object.values(manifest.files).every((entry) => typeof entry?.size === 'number' && typeof entry.sha256 === 'string');
  if (!valid) throw new RunFileError(path, `is not a version ${MANIFEST_VERSION} manifest of file sizes and SHA-256 digests; the folder cannot be verified`);
  return manifest;
}

/** The manifest of `dir`; a folder without one is refused (it is not a run directory seqnet wrote). */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, MANIFEST_FILE);
  const bytes = await readOptional(path);
  if (bytes === null) throw new RunFileError(path, 'missing; this is not a seqnet run directory (or it was written by a seqnet without manifests), so nothing in it is used');
  return parseManifest(path, bytes);
}

async function readManifestOrEmpty(dir: string): Promise<Manifest> {
  const bytes = await readOptional(join(dir, MANIFEST_FILE));
  return bytes === null ? { version: MANIFEST_VERSION, files: {} } : parseManifest(join(dir, MANIFEST_FILE), bytes);
}

function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Writes `files` (name → contents) into `dir` and records them in its manifest (see the top of this file). */
export async function commitFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const manifest = await readManifestOrEmpty(dir);
  const contents = Object.entries(files).map(([name, data]) => {
    if (!isPlainFileName(name) || name === MANIFEST_FILE) throw new Error(`commitFiles: '${name}' is not a plain file name`);
    return { name, bytes: typeof data === 'string' ? Buffer.from(data, 'utf8') : data };
  });
  for (const { name, bytes } of contents) {
    const old = manifest.files[name];
    manifest.files[name] = { ...digest(bytes), previous: old === undefined ? null : { size: old.size, sha256: old.sha256 } };
  }
  await writeManifest(dir, manifest);
  for (const { name, bytes } of contents) await writeFileAtomic(join(dir, name), bytes);
  for (const { name } of contents) delete manifest.files[name].previous;
  await faultPoint('manifest:before-write');
  await writeManifest(dir, manifest);
}

/**
 * The bytes of `dir/name` once they match the manifest (or, in an unfinished commit, the version before it).
 * Anything else is a `RunFileError`: a name that is not a plain file name, a file the manifest does not list,
 * a missing file, or one whose size or digest differ.
 */
export async function readVerifiedFile(dir: string, name: string): Promise<Buffer> {
  const path = join(dir, name);
  if (!isPlainFileName(name)) throw new RunFileError(join(dir, MANIFEST_FILE), `'${name}' is not a file name inside the folder; refusing to read outside it`);
  const entry = (await readManifest(dir)).files[name];
  if (entry === undefined) throw new RunFileError(path, `not listed in ${MANIFEST_FILE}; it was not written by seqnet, so it is not used`);
  const bytes = await readOptional(path);
  if (bytes === null) {
    const why = entry.previous === null ? 'its write was interrupted before it began' : `it is listed in ${MANIFEST_FILE}`;
    throw new RunFileError(path, `missing (${why}); restore it, or train the run again`);
  }
  const found = digest(bytes);
  if (!sameDigest(found, entry) && !(entry.previous != null && sameDigest(found, entry.previous))) {
    throw new RunFileError(path, `does not match ${MANIFEST_FILE} (${found.size} bytes, sha256 ${found.sha256.slice(0, 12)}…; expected ${entry.size} bytes, sha256 ${entry.sha256.slice(0, 12)}…): the file was changed or damaged; restore it, or train the run again`);
  }
  return bytes;
}

/** `readVerifiedFile` as JSON; text that does not parse is a `RunFileError` too. */
export async function readVerifiedJson<T>(dir: string, name: string): Promise<T> {
  const bytes = await readVerifiedFile(dir, name);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new RunFileError(join(dir, name), `is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Finishes the bookkeeping of a commit that a kill interrupted: each file keeps whichever listed version it
 * has, and files that were never written are dropped from the manifest. A folder without a manifest is left
 * alone (readers refuse it).
 */
export async function settleManifest(dir: string): Promise<void> {
  const bytes = await readOptional(join(dir, MANIFEST_FILE));
  if (bytes === null) return;
  const manifest = parseManifest(join(dir, MANIFEST_FILE), bytes);
  const unsettled = Object.entries(manifest.files).filter(([, entry]) => entry.previous !== undefined);
  if (unsettled.length === 0) return;
  for (const [name, entry] of unsettled) {
    const file = await readOptional(join(dir, name));
    const found = file === null ? null : digest(file);
    if (found !== null && sameDigest(found, entry)) delete entry.previous;
    else if (entry.previous === null && found === null) delete manifest.files[name];
    else if (entry.previous != null && found !== null && sameDigest(found, entry.previous)) manifest.files[name] = entry.previous;
    // Otherwise the file is damaged; the entry stays as it is and readers refuse the file.
  }
  await writeManifest(dir, manifest);
}
