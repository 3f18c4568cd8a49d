/** Diagnostics for an editor: exactly `seqnet check`'s, with 0-based ranges and a link to each code's docs. */
import { DIAGNOSTIC_CODES } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { checkSpec } from '../validate/check.js';
import { rangeOfSpan } from './positions.js';
import type { EditorDiagnostic, EditorRange } from './types.js';

export interface DiagnoseOptions {
  /** The text is a `.seqnet.json` document (the JSON form) rather than `.seqnet`. */
  json?: boolean;
}

/** The file name the front end is given: it decides the form by extension, and names nothing the user sees here. */
export function documentName(options: DiagnoseOptions = {}): string {
  return options.json === true ? 'document.seqnet.json' : 'document.seqnet';
}

const TITLES = new Map(DIAGNOSTIC_CODES.map((info) => [info.code, info.title]));

/** The heading anchor of a code's entry in docs/diagnostics.md (`### SN1002: unknown field`), as GitHub makes it
 * (punctuation dropped, each space a hyphen, so `unmatched '}'` ends in one). */
export function docsLink(code: string): string {
  const heading = `${code}: ${TITLES.get(code) ?? ''}`;
  const anchor = heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
  return `docs/diagnostics.md#${anchor}`;
}

const WHOLE_FILE_START: EditorRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function toEditorDiagnostic(diagnostic: Diagnostic): EditorDiagnostic {
  const result: EditorDiagnostic = {
    range: diagnostic.span === null ? WHOLE_FILE_START : rangeOfSpan(diagnostic.span),
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    docs: docsLink(diagnostic.code),
    related: (diagnostic.related ?? []).map((location) => ({ range: rangeOfSpan(location.span), message: location.message })),
  };
  if (diagnostic.hint !== undefined) result.hint = diagnostic.hint;
  return result;
}

export function diagnose(text: string, options: DiagnoseOptions = {}): EditorDiagnostic[] {
  return checkSpec(text, documentName(options)).diagnostics.map(toEditorDiagnostic);
}
