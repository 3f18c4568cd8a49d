/** Small span utilities shared by every front-end stage: joining spans and offset → line/column lookup. */
import type { SourceSpan } from './types.js';

/** From the start of `first` to the end of `last`. */
export function spanFromTo(first: SourceSpan, last: SourceSpan): SourceSpan {
  return {
    startOffset: first.startOffset,
    endOffset: last.endOffset,
    startLine: first.startLine,
    startColumn: first.startColumn,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** Offsets of the first character of every line, for offset → line/column lookups in O(log lines). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line and column of a 0-based offset (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: clamped - this.lineStarts[low] + 1 };
  }

  /** The span between two offsets. */
  span(startOffset: number, endOffset: number): SourceSpan {
    const start = this.position(startOffset);
    const end = this.position(endOffset);
    return { startOffset, endOffset, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
  }

  /** The text of a 1-based line, without its line break (and without a trailing `\r`). */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}
