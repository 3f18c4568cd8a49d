/**
 * Source spans from chevrotain tokens. Chevrotain's end offsets and columns are inclusive and tokens inserted by
 * error recovery (or the end-of-file token) have NaN positions; spans here are end-exclusive and always valid.
 */
import type { IToken } from 'chevrotain';
import type { SourceSpan } from '../diagnostics/types.js';
import { Newline } from '../../grammar/tokens.js';

/** Whether the token has a real position (false for recovery-inserted tokens and end of file). */
export function hasPosition(token: IToken | undefined): token is IToken {
  return token !== undefined && Number.isFinite(token.startOffset) && token.startOffset >= 0;
}

/** The span of a token. A line break is shown as one character at the end of its line. */
export function tokenSpan(token: IToken): SourceSpan {
  const startLine = token.startLine ?? 1;
  const startColumn = token.startColumn ?? 1;
  if (token.tokenType === Newline) {
    return pointSpan(token.startOffset, startLine, startColumn, 1);
  }
  return {
    startOffset: token.startOffset,
    endOffset: (token.endOffset ?? token.startOffset) + 1,
    startLine,
    startColumn,
    endLine: token.endLine ?? startLine,
    endColumn: (token.endColumn ?? startColumn) + 1,
  };
}

/** A span of `length` characters on one line. */
export function pointSpan(offset: number, line: number, column: number, length = 0): SourceSpan {
  return {
    startOffset: offset,
    endOffset: offset + length,
    startLine: line,
    startColumn: column,
    endLine: line,
    endColumn: column + length,
  };
}

/** An empty span just after `span`: where a missing token would have been. */
export function spanAfter(span: SourceSpan): SourceSpan {
  return pointSpan(span.endOffset, span.endLine, span.endColumn);
}

/** From the start of `first` to the end of `last` (one implementation, shared with the validation stage). */
export { spanFromTo as joinSpans } from '../diagnostics/spans.js';

/** The span of a whole text: from its start to its end, counting line breaks as chevrotain does. */
export function wholeTextSpan(text: string): SourceSpan {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === 0x0a || (char === 0x0d && text.charCodeAt(index + 1) !== 0x0a)) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return {
    startOffset: 0,
    endOffset: text.length,
    startLine: 1,
    startColumn: 1,
    endLine: line,
    endColumn: text.length - lineStart + 1,
  };
}

/**
 * Binary search over something sorted: the first index in `[0, count)` for which `isBefore` is false, given that
 * `isBefore` is true for a prefix of the indexes and false after it.
 */
export function firstIndexNotBefore(count: number, isBefore: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (isBefore(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}
