/**
 * The spec's data, loaded for training. A data file that cannot be read (missing, a folder, no permission) is
 * the spec's to fix, so the error names the `source` statement that points at it:
 * `specs/x.seqnet:38:3: cannot read data/corpus.txt: no such file or folder`.
 */
import { dirname, resolve } from 'node:path';
import type { DataIR, ModelIR } from '../ir/types.js';
import { DataError, loadData, modelShape, type PreparedData } from '../data/index.js';

/** `--data` given on the command line: then the file is not the spec's, and no spec location is added. */
export async function loadSpecData(ir: ModelIR & { data: DataIR }, spec: { source: string; path: string }, dataOverride: boolean): Promise<PreparedData> {
  try {
    return await loadData(ir.data, { baseDir: dirname(resolve(spec.path)), validationSplit: ir.train.validationSplit, shape: modelShape(ir), saved: null });
  } catch (error) {
    if (!(error instanceof DataError) || !error.unreadableFile || dataOverride) throw error;
    const location = await sourceStatementLocation(spec);
    throw location === null ? error : new DataError(`${location}: ${error.message}`, true);
  }
}

/** `path:line:column` of the data block's `source` statement, or null if the text does not say (it always should). */
async function sourceStatementLocation(spec: { source: string; path: string }): Promise<string | null> {
  // Loaded only here: the error path is the one place training needs the front end's source map.
  const [{ toJsonForm }, { spanAt }] = await Promise.all([import('../validate/check.js'), import('../validate/source-map.js')]);
  const span = spanAt(toJsonForm(spec.source, spec.path).spans, '/data/source', 'header');
  return span === null ? null : `${spec.path}:${span.startLine}:${span.startColumn}`;
}
