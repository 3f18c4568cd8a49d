/**
 * Diagnostics are data: a code from the registry, a severity, a message, a source span and an optional hint.
 * Detection (parser, schema, semantic checks) creates them; rendering (code frames, JSON) is separate.
 */

/** A range in a source file. Lines and columns are 1-based, offsets 0-based; `end` is exclusive. */
export interface SourceSpan {
  startOffset: number;
  endOffset: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A second location of a diagnostic, in the same file, with what it is. */
export interface RelatedLocation {
  message: string;
  span: SourceSpan;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable code such as `SN1001`; documented in docs/diagnostics.md. */
  code: string;
  severity: Severity;
  message: string;
  /** File name as given by the caller (relative paths stay relative). */
  file: string;
  /** Null only when there is no meaningful position (e.g. an I/O error). */
  span: SourceSpan | null;
  /** What would be right: `did you mean 'recurrent'?`, a valid range, the list of valid values. */
  hint?: string;
  /** Other places the problem concerns (where a duplicate was first given), for editors' related information. */
  related?: RelatedLocation[];
  /** Only on the last diagnostic of a capped list (list.ts): how many were left out, counted in the summary line. */
  omitted?: { errors: number; warnings: number };
}
