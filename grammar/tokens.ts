/** Token definitions of the `.seqnet` language: what the lexer recognises, with the labels error messages show. */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Token group that keeps comments out of the parser's way but in the lexer's result, for `seqnet fmt`. */
export const COMMENT_GROUP = 'comments';

/** Spaces, tabs and a byte order mark (a BOM is whitespace wherever it appears, so a file may start with one). */
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
});

/**
 * A run of line breaks, with any whitespace between them: one token per gap between statements, so blank lines
 * do not multiply the parser's work. `\r\n`, `\n` and a lone `\r` all count.
 */
export const Newline = createToken({
  name: 'Newline',
  pattern: /(?:\r\n?|\n)(?:[ \t\f\v\u00a0\ufeff]*(?:\r\n?|\n))*/,
  line_breaks: true,
  label: 'end of line',
});

export const Comment = createToken({
  name: 'Comment',
  pattern: /#[^\r\n]*/,
  group: COMMENT_GROUP,
  label: 'comment',
});

export const Semicolon = createToken({ name: 'Semicolon', pattern: ';', label: "';'" });
export const LBrace = createToken({ name: 'LBrace', pattern: '{', label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: '}', label: "'}'" });

/**
 * A decimal number: optional minus, digits, optional fraction and exponent. The negative lookahead refuses a
 * number glued to letters or dots (`128x2`, `1.2.3`) so that it becomes one `InvalidNumber` rather than two
 * silently separate arguments.
 */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])/,
  label: 'number',
});

/** Anything number-like that `NumberLiteral` refused; the lexer stage turns it into a diagnostic. */
export const InvalidNumber = createToken({
  name: 'InvalidNumber',
  pattern: /[-.\d](?:[eE][+-]|[\w.])*/,
  label: 'invalid number',
});

/** A double-quoted string on one line; escapes are checked when the value is decoded (JSON rules). */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: 'string',
});

/** A string whose closing quote is missing before the end of the line; reported by the lexer stage. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  label: 'unterminated string',
});

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: 'identifier',
});

export const True = createToken({ name: 'True', pattern: 'true', longer_alt: Identifier, label: "'true'" });
export const False = createToken({ name: 'False', pattern: 'false', longer_alt: Identifier, label: "'false'" });

/**
 * Lexing order matters: whitespace first (the most frequent token), keywords before `Identifier`, and each
 * valid literal before the catch-all token that reports its malformed variant.
 */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Newline,
  Comment,
  Semicolon,
  LBrace,
  RBrace,
  NumberLiteral,
  InvalidNumber,
  StringLiteral,
  UnterminatedString,
  True,
  False,
  Identifier,
];

/** Tokens the lexer stage reports as errors (an invalid number or an unterminated string) and removes. */
export const malformedTokens: ReadonlySet<TokenType> = new Set([InvalidNumber, UnterminatedString]);
