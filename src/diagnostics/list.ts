/**
 * One file's diagnostics as they are found, capped: a generated or corrupted input can yield hundreds of
 * thousands, and every later stage (sorting, rendering, the terminal) would grow with them. Only the first
 * MAX_DIAGNOSTICS in source order are kept; one last diagnostic says how many more there were.
 */
import { Code } from './codes.js';
import { createDiagnostic, sortDiagnostics } from './create.js';
import type { Diagnostic } from './types.js';

export const MAX_DIAGNOSTICS = 100;

export class DiagnosticList {
  private kept: Diagnostic[] = [];
  private errors = 0;
  private warnings = 0;

  constructor(readonly file: string) {}

  add(diagnostic: Diagnostic): void {
    if (diagnostic.severity === 'error') this.errors++;
    else this.warnings++;
    this.kept.push(diagnostic);
    // Trimming at twice the cap keeps memory bounded and the sorting cost O(n log cap) overall.
    if (this.kept.length >= 2 * MAX_DIAGNOSTICS) this.kept = sortDiagnostics(this.kept).slice(0, MAX_DIAGNOSTICS);
  }

  addAll(diagnostics: Iterable<Diagnostic>): void {
    for (const diagnostic of diagnostics) this.add(diagnostic);
  }

  hasErrors(): boolean {
    return this.errors > 0;
  }

  /** The kept diagnostics in source order, then the count of the rest when there is a rest. */
  finish(): Diagnostic[] {
    const shown = sortDiagnostics(this.kept).slice(0, MAX_DIAGNOSTICS);
    const shownErrors = shown.filter((diagnostic) => diagnostic.severity === 'error').length;
    const omitted = { errors: this.errors - shownErrors, warnings: this.warnings - (shown.length - shownErrors) };
    if (omitted.errors + omitted.warnings === 0) return shown;
    return [...shown, omittedDiagnostic(this.file, omitted)];
  }
}

function omittedDiagnostic(file: string, omitted: { errors: number; warnings: number }): Diagnostic {
  const parts = [];
  if (omitted.errors > 0) parts.push(`${omitted.errors} more error${omitted.errors === 1 ? '' : 's'}`);
  if (omitted.warnings > 0) parts.push(`${omitted.warnings} more warning${omitted.warnings === 1 ? '' : 's'}`);
  const code = omitted.errors > 0 ? Code.MoreErrors : Code.MoreWarnings;
  const diagnostic = createDiagnostic(code, `… and ${parts.join(' and ')}`, file, null, `only the first ${MAX_DIAGNOSTICS} are shown; fix those and check again`);
  diagnostic.omitted = omitted;
  return diagnostic;
}
