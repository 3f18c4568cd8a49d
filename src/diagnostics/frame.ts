/** Code frames: the lines around a span with a line-number gutter and the span underlined with `^`. */
import type { SourceSpan } from './types.js';
import { LineIndex } from './spans.js';

export interface FrameStyle {
  gutter: (text: string) => string;
  marker: (text: string) => string;
}

/** Lines of context shown above the span's first line. */
const CONTEXT_LINES = 1;

/** The frame for `span` in `source`: one context line, the span's first line, and the underline. */
export function codeFrame(source: string | LineIndex, span: SourceSpan, style: FrameStyle): string {
  const index = typeof source === 'string' ? new LineIndex(source) : source;
  const line = Math.min(Math.max(span.startLine, 1), index.lineCount);
  const first = Math.max(1, line - CONTEXT_LINES);
  const width = String(line).length;
  const rows: string[] = [];
  for (let number = first; number <= line; number++) {
    rows.push(`${style.gutter(`${String(number).padStart(width)} |`)} ${expandTabs(index.lineText(number))}`);
  }
  const text = index.lineText(line);
  const startColumn = Math.min(Math.max(span.startColumn, 1), text.length + 1);
  // A span over several lines is underlined to the end of its first line; an empty span gets one caret.
  const endColumn = span.endLine === span.startLine ? Math.min(span.endColumn, text.length + 1) : text.length + 1;
  const length = Math.max(1, endColumn - startColumn);
  const padding = expandTabs(text.slice(0, startColumn - 1)).replace(/[^ ]/g, ' ');
  rows.push(`${style.gutter(`${' '.repeat(width)} |`)} ${padding}${style.marker('^'.repeat(length))}`);
  return rows.join('\n');
}

/** Tabs become single spaces so the underline lines up whatever the terminal's tab width. */
function expandTabs(text: string): string {
  return text.replace(/\t/g, ' ');
}
