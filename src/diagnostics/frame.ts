/** Code frames: the lines around a span with a line-number gutter and the span underlined with `^`. */
import { escapeControl } from './escape.js';
import type { SourceSpan } from './types.js';
import { LineIndex } from './spans.js';

export interface FrameStyle {
  gutter: (text: string) => string;
  marker: (text: string) => string;
}

/** Lines of context shown above the span's first line. */
const CONTEXT_LINES = 1;

/**
 * Characters of a source line shown at most: a minified `.seqnet.json` is one long line, and printing it whole
 * for each of its diagnostics would grow the output with (diagnostics × file size).
 */
const MAX_LINE_WIDTH = 120;
/** Characters kept before the span when a long line is cut. */
const LEAD = 40;

/** The frame for `span` in `source`: one context line, the span's first line, and the underline. */
export function codeFrame(source: string | LineIndex, span: SourceSpan, style: FrameStyle): string {
  const index = typeof source === 'string' ? new LineIndex(source) : source;
  const line = Math.min(Math.max(span.startLine, 1), index.lineCount);
  const first = Math.max(1, line - CONTEXT_LINES);
  const width = String(line).length;
  const text = index.lineText(line);
  const start = Math.min(Math.max(span.startColumn, 1), text.length + 1) - 1;
  // A span over several lines is underlined to the end of its first line; an empty span gets one caret.
  const end = span.endLine === span.startLine ? Math.max(start, Math.min(span.endColumn - 1, text.length)) : text.length;
  const window = lineWindow(text.length, start);
  const rows: string[] = [];
  for (let number = first; number <= line; number++) {
    rows.push(`${style.gutter(`${String(number).padStart(width)} |`)} ${shown(index.lineText(number), window)}`);
  }
  const before = `${window.from > 0 ? '…' : ''}${display(text.slice(window.from, start))}`;
  const marked = display(text.slice(start, Math.min(end, window.to)));
  const padding = before.replace(/[^ ]/g, ' ');
  rows.push(`${style.gutter(`${' '.repeat(width)} |`)} ${padding}${style.marker('^'.repeat(Math.max(1, marked.length)))}`);
  return rows.join('\n');
}

interface Window {
  from: number;
  to: number;
}

/** The part of a line of `length` characters that is shown, chosen so that the span's start is in view. */
function lineWindow(length: number, start: number): Window {
  // The same window applies to the context line above, which may be longer than this one.
  const from = length <= MAX_LINE_WIDTH ? 0 : Math.max(0, Math.min(start - LEAD, length - MAX_LINE_WIDTH));
  return { from, to: from + MAX_LINE_WIDTH };
}

/** The window of a line as shown: cut ends marked with `…`, tabs as spaces, control characters escaped. */
function shown(text: string, window: Window): string {
  const head = window.from > 0 ? '…' : '';
  const tail = window.to < text.length ? '…' : '';
  return `${head}${display(text.slice(window.from, window.to))}${tail}`;
}

/** Tabs become single spaces so the underline lines up whatever the terminal's tab width. */
function display(text: string): string {
  return escapeControl(text.replace(/\t/g, ' '));
}
