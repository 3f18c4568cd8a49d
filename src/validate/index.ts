/**
 * The front end's API: spec text (`.seqnet`, or `.seqnet.json` by file extension) → diagnostics and, when there
 * are no errors, the ModelIR (check.ts, which has no Node imports), plus reading a spec file.
 */
import { readFile } from 'node:fs/promises';
import { Code } from '../diagnostics/codes.js';
import { createDiagnostic } from '../diagnostics/create.js';
import { checkSpec, type CheckResult } from './check.js';

export { checkSpec, isJsonFile, toJsonForm, type CheckResult, type JsonForm } from './check.js';

export interface LoadResult extends CheckResult {
  /** The file's text ('' when it could not be read). */
  source: string;
}

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied' };

/** Reads and checks a spec file. A read error becomes an SN1000 diagnostic; this never throws for bad input. */
export async function loadSpecFile(path: string): Promise<LoadResult> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = READ_ERRORS[code] ?? (error as Error).message;
    const diagnostic = createDiagnostic(Code.ReadError, `cannot read '${path}': ${reason}`, path, null);
    return { source: '', diagnostics: [diagnostic], ir: null };
  }
  return { source, ...checkSpec(source, path) };
}
