/** The `.seqnet` lexer: one chevrotain Lexer, plus the pass that turns malformed literals into lexical errors. */
import { Lexer, type ILexerErrorMessageProvider, type IToken } from 'chevrotain';
import { allTokens, COMMENT_GROUP, malformedTokens, UnterminatedString } from './tokens.js';
import { describeCharacters } from './messages.js';

export type LexicalErrorKind = 'unexpected-character' | 'invalid-number' | 'unterminated-string';

/** A lexical error with its position (1-based line and column, 0-based offset), independent of chevrotain. */
export interface LexicalError {
  kind: LexicalErrorKind;
  message: string;
  /** The first characters of the offending text (at most 16). */
  text: string;
  offset: number;
  length: number;
  line: number;
  column: number;
}

export interface LexResult {
  /** Tokens for the parser: no whitespace, no comments, no malformed literals. */
  tokens: IToken[];
  comments: IToken[];
  errors: LexicalError[];
}

export interface LexerOptions {
  /** Fail at construction if the first-character fast path cannot be used (set in tests). */
  ensureOptimizations?: boolean;
  /** Skip chevrotain's token-definition checks (faster start-up; tests keep them on). */
  skipValidations?: boolean;
}

const unexpectedCharactersMessages: ILexerErrorMessageProvider = {
  buildUnexpectedCharactersMessage: (fullText, startOffset, length) =>
    `unexpected ${describeCharacters(fullText.slice(startOffset, startOffset + length))}`,
  buildUnableToPopLexerModeMessage: () => 'internal lexer error: no lexer mode to pop',
};

export function createSeqnetLexer(options: LexerOptions = {}): Lexer {
  return new Lexer(allTokens, {
    positionTracking: 'full',
    ensureOptimizations: options.ensureOptimizations ?? false,
    skipValidations: options.skipValidations ?? false,
    errorMessageProvider: unexpectedCharactersMessages,
  });
}

let sharedLexer: Lexer | undefined;

/** The shared lexer; token checks are skipped here because the test suite runs them on its own instance. */
export function seqnetLexer(): Lexer {
  sharedLexer ??= createSeqnetLexer({ skipValidations: true });
  return sharedLexer;
}

/** Splits `source` into tokens. Never throws; every problem is a `LexicalError`. */
export function lex(source: string, lexer: Lexer = seqnetLexer()): LexResult {
  const result = lexer.tokenize(source);
  const errors: LexicalError[] = result.errors.map((error) => ({
    kind: 'unexpected-character',
    message: error.message,
    text: source.slice(error.offset, error.offset + Math.min(error.length, 16)),
    offset: error.offset,
    length: error.length,
    line: error.line ?? 1,
    column: error.column ?? 1,
  }));
  const tokens: IToken[] = [];
  for (const token of result.tokens) {
    if (malformedTokens.has(token.tokenType)) errors.push(malformedLiteralError(token));
    else tokens.push(token);
  }
  // Malformed literals were found after chevrotain's own errors; keep the list in source order.
  errors.sort((a, b) => a.offset - b.offset);
  return { tokens, comments: result.groups[COMMENT_GROUP] ?? [], errors };
}

function malformedLiteralError(token: IToken): LexicalError {
  const unterminated = token.tokenType === UnterminatedString;
  return {
    kind: unterminated ? 'unterminated-string' : 'invalid-number',
    message: unterminated
      ? 'string is not closed before the end of the line'
      : `'${token.image.slice(0, 40)}' is not a valid number`,
    text: token.image.slice(0, 16),
    offset: token.startOffset,
    length: token.image.length,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
  };
}
