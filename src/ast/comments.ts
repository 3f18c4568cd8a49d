/** Comment tokens as AST comment nodes, each marked as trailing (after code on its line) or on its own line. */
import type { IToken } from 'chevrotain';
import type { CommentNode } from './types.js';
import { tokenSpan } from './spans.js';

export function commentNodes(comments: readonly IToken[], source: string): CommentNode[] {
  return comments.map((token) => ({
    text: token.image,
    span: tokenSpan(token),
    trailing: followsCodeOnItsLine(source, token.startOffset),
  }));
}

/** Whether anything but whitespace precedes `offset` on its line. */
function followsCodeOnItsLine(source: string, offset: number): boolean {
  for (let index = offset - 1; index >= 0; index -= 1) {
    const char = source[index];
    if (char === '\n' || char === '\r') return false;
    if (!/\s|\ufeff/.test(char)) return true;
  }
  return false;
}
