/** Spans (1-based lines and columns) and offsets ↔ the editor's 0-based positions. */
import { LineIndex } from '../diagnostics/spans.js';
import type { SourceSpan } from '../diagnostics/types.js';
import type { EditorPosition, EditorRange } from './types.js';

/** The editor range of a front-end span; spans count columns in UTF-16 code units, as editors do. */
export function rangeOfSpan(span: SourceSpan): EditorRange {
  return {
    start: { line: span.startLine - 1, character: span.startColumn - 1 },
    end: { line: span.endLine - 1, character: span.endColumn - 1 },
  };
}

export function positionAt(index: LineIndex, offset: number): EditorPosition {
  const { line, column } = index.position(offset);
  return { line: line - 1, character: column - 1 };
}

export function rangeBetween(index: LineIndex, startOffset: number, endOffset: number): EditorRange {
  return { start: positionAt(index, startOffset), end: positionAt(index, endOffset) };
}

/** The offset of a position (clamped to the line's end and the text), the inverse of positionAt. */
export function offsetAt(text: string, position: EditorPosition): number {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd === -1 ? text.length : lineEnd;
  return Math.min(offset + Math.max(0, position.character), end);
}

export { LineIndex };

/** Whether `offset` lies in the span (its end included, so a cursor just after a word is on it). */
export function spanContains(span: SourceSpan, offset: number): boolean {
  return span.startOffset <= offset && offset <= span.endOffset;
}
