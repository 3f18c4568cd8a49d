/** Builds diagnostics whose severity comes from the code registry. */
import { codeInfo, type CodeValue } from './codes.js';
import type { Diagnostic, SourceSpan } from './types.js';

export function createDiagnostic(code: CodeValue, message: string, file: string, span: SourceSpan | null, hint?: string): Diagnostic {
  const info = codeInfo(code);
  if (info === undefined) throw new Error(`diagnostic code ${code} is not registered`);
  const diagnostic: Diagnostic = { code, severity: info.severity, message, file, span };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** One file's diagnostics in source order; ones without a position first (they concern the whole file). */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => (a.span?.startOffset ?? -1) - (b.span?.startOffset ?? -1));
}
