/**
 * Renders diagnostics for people (`text`: a location line, a code frame, a hint, and a count) or for tools
 * (`json`: a stable array of plain objects).
 */
import { escapeControl, escapeJsonControl } from './escape.js';
import { codeFrame, type FrameStyle } from './frame.js';
import { LineIndex } from './spans.js';
import type { Diagnostic } from './types.js';

export interface RenderOptions {
  format: 'text' | 'json';
  color: boolean;
}

/** One diagnostic in the JSON format; the key order is fixed so the output can be compared as text. */
export interface DiagnosticJson {
  file: string;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  startOffset: number | null;
  endOffset: number | null;
  hint: string | null;
}

export function renderDiagnostics(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, options: RenderOptions): string {
  if (options.format === 'json') return `${escapeJsonControl(JSON.stringify(diagnostics.map(toJson), null, 2))}\n`;
  return renderText(diagnostics, sources, options.color);
}

export function toJson(diagnostic: Diagnostic): DiagnosticJson {
  const span = diagnostic.span;
  return {
    file: diagnostic.file,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    line: span?.startLine ?? null,
    column: span?.startColumn ?? null,
    endLine: span?.endLine ?? null,
    endColumn: span?.endColumn ?? null,
    startOffset: span?.startOffset ?? null,
    endOffset: span?.endOffset ?? null,
    hint: diagnostic.hint ?? null,
  };
}

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', blue: '\u001b[34m', bold: '\u001b[1m', reset: '\u001b[0m' };

function paint(color: boolean, codes: string, text: string): string {
  return color ? `${codes}${text}${ANSI.reset}` : text;
}

function renderText(diagnostics: Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean): string {
  if (diagnostics.length === 0) return '';
  // Line indexes are built once per file, not once per diagnostic.
  const indexes = new Map<string, LineIndex>();
  const blocks = diagnostics.map((diagnostic) => renderOne(diagnostic, sourceIndex(diagnostic.file, sources, indexes), color));
  return `${blocks.join('\n\n')}\n\n${countLine(diagnostics)}\n`;
}

function sourceIndex(file: string, sources: ReadonlyMap<string, string>, indexes: Map<string, LineIndex>): LineIndex | null {
  const cached = indexes.get(file);
  if (cached !== undefined) return cached;
  const source = sources.get(file);
  if (source === undefined) return null;
  const index = new LineIndex(source);
  indexes.set(file, index);
  return index;
}

function renderOne(diagnostic: Diagnostic, index: LineIndex | null, color: boolean): string {
  const severityColor = diagnostic.severity === 'error' ? ANSI.red : ANSI.yellow;
  // File names, messages and hints quote spec text; none of it may reach the terminal raw.
  const file = escapeControl(diagnostic.file);
  const location = diagnostic.span === null ? file : `${file}:${diagnostic.span.startLine}:${diagnostic.span.startColumn}`;
  const label = paint(color, ANSI.bold + severityColor, `${diagnostic.severity}[${diagnostic.code}]`);
  const lines = [`${paint(color, ANSI.bold, `${location}:`)} ${label}: ${escapeControl(diagnostic.message)}`];
  if (diagnostic.span !== null && index !== null) {
    const style: FrameStyle = {
      gutter: (text) => paint(color, ANSI.blue, text),
      marker: (text) => paint(color, ANSI.bold + severityColor, text),
    };
    lines.push(codeFrame(index, diagnostic.span, style));
  }
  if (diagnostic.hint !== undefined) lines.push(`${paint(color, ANSI.cyan, 'hint:')} ${escapeControl(diagnostic.hint)}`);
  return lines.join('\n');
}

/** "2 errors, 1 warning". */
export function countLine(diagnostics: readonly Diagnostic[]): string {
  let errors = 0;
  let warnings = 0;
  for (const diagnostic of diagnostics) {
    // A capped list's last entry stands for the diagnostics it counts, not for one more.
    if (diagnostic.omitted !== undefined) {
      errors += diagnostic.omitted.errors;
      warnings += diagnostic.omitted.warnings;
    } else if (diagnostic.severity === 'error') errors++;
    else warnings++;
  }
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
