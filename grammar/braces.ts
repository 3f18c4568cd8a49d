/**
 * A token-level pass between lexing and parsing: finds `}` that close nothing and nesting deeper than the parser
 * is allowed to recurse. Done on tokens because it is linear and cannot overflow the stack, whatever the input.
 */
import type { IToken } from 'chevrotain';
import { LBrace, RBrace } from './tokens.js';

export interface BraceCheck {
  /** The input tokens without the unmatched `}`. */
  tokens: IToken[];
  unmatchedClosing: IToken[];
  /** The first `{` that opens a block deeper than the limit, or null. */
  tooDeep: IToken | null;
  /** `{` never closed before the end of the file, outermost first. */
  unclosed: IToken[];
}

export function checkBraces(tokens: readonly IToken[], maxDepth: number): BraceCheck {
  const kept: IToken[] = [];
  const unmatchedClosing: IToken[] = [];
  let tooDeep: IToken | null = null;
  const open: IToken[] = [];
  for (const token of tokens) {
    if (token.tokenType === LBrace) {
      open.push(token);
      if (open.length > maxDepth && tooDeep === null) tooDeep = token;
    } else if (token.tokenType === RBrace) {
      if (open.length === 0) {
        unmatchedClosing.push(token);
        continue;
      }
      open.pop();
    }
    kept.push(token);
  }
  return { tokens: kept, unmatchedClosing, tooDeep, unclosed: open };
}
