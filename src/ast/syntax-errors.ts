/** Turns lexer, brace-check and parser errors into SN0xxx diagnostics, with positions and hints. */
import { EOF, type IRecognitionException, type IToken } from 'chevrotain';
import type { Diagnostic, SourceSpan } from '../diagnostics/types.js';
import type { LexicalError } from '../../grammar/lexer.js';
import { Identifier, LBrace, Newline } from '../../grammar/tokens.js';
import { firstIndexNotBefore, hasPosition, pointSpan, spanAfter, tokenSpan } from './spans.js';
import { MAX_NESTING_DEPTH, SyntaxCode, type SyntaxCodeValue } from './syntax-codes.js';

export const STATEMENT_HINT = 'a statement starts with a keyword such as `lstm` or `head`';
const SEPARATOR_HINT = 'put each statement on its own line, or separate statements with `;`';
const BRACE_PLACEMENT_HINT = 'the `{` of a block goes on the same line as its statement';

export function syntaxError(code: SyntaxCodeValue, message: string, file: string, span: SourceSpan | null, hint?: string): Diagnostic {
  return hint === undefined
    ? { code, severity: 'error', message, file, span }
    : { code, severity: 'error', message, file, span, hint };
}

const LEXICAL_CODES = {
  'unexpected-character': SyntaxCode.UnexpectedCharacter,
  'invalid-number': SyntaxCode.InvalidNumber,
  'unterminated-string': SyntaxCode.UnterminatedString,
} as const;

export function lexicalDiagnostic(error: LexicalError, file: string): Diagnostic {
  // Lexical errors never cross a line break: the lexer matches a line break as soon as it reaches one.
  const span = pointSpan(error.offset, error.line, error.column, error.length);
  return syntaxError(LEXICAL_CODES[error.kind], error.message, file, span, lexicalHint(error));
}

function lexicalHint(error: LexicalError): string | undefined {
  if (error.kind === 'unterminated-string') return 'add the closing `"`; a string cannot span lines';
  if (error.kind === 'invalid-number') return 'numbers look like `32`, `0.5`, `-1` or `1e-5`, separated from words by spaces';
  if (error.text.startsWith("'")) return 'strings use double quotes: "text"';
  if (/^[=:]/.test(error.text)) return 'arguments follow the keyword after a space, as in `units 32`';
  return undefined;
}

export function unmatchedBraceDiagnostic(token: IToken, file: string): Diagnostic {
  return syntaxError(SyntaxCode.UnmatchedClosingBrace, "unmatched '}'", file, tokenSpan(token), 'no block is open here');
}

export function nestingDiagnostic(token: IToken, file: string): Diagnostic {
  const message = `blocks are nested more than ${MAX_NESTING_DEPTH} levels deep`;
  return syntaxError(SyntaxCode.NestingTooDeep, message, file, tokenSpan(token), 'the file was not parsed further');
}

/** Where in the token stream a parse error sits, for anchoring errors at tokens inserted by recovery. */
export interface ParseErrorContext {
  file: string;
  tokens: readonly IToken[];
  /** `{` left open at the end of the file, outermost first; used to say which block an end-of-file error means. */
  unclosed: readonly IToken[];
}

/**
 * Diagnostics for the parser's errors. Chevrotain reports an error once per rule it unwinds through, so
 * duplicates (same position, same message) are dropped. A `{` still open at the end of the file always gets an
 * "expected '}'" error: recovery that re-synchronised past the end of a block does not report one by itself.
 */
export function parseErrorDiagnostics(errors: readonly IRecognitionException[], context: ParseErrorContext): Diagnostic[] {
  const unclosed = [...context.unclosed];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const key = `${error.token.startOffset}:${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(parseErrorDiagnostic(error, context, unclosed));
  }
  // Whatever the parser did not report, innermost first, as the parser would have.
  for (const brace of unclosed.reverse()) {
    const span = anchorAfter(undefined, context.tokens);
    const message = "expected '}' but found end of file";
    diagnostics.push(syntaxError(SyntaxCode.ExpectedToken, message, context.file, span, unclosedHint(brace)));
  }
  return diagnostics;
}

/** One parser error; an end-of-file error takes the innermost brace still unexplained off `unclosed`. */
function parseErrorDiagnostic(error: IRecognitionException, context: ParseErrorContext, unclosed: IToken[]): Diagnostic {
  const found = error.token;
  const rule = error.context.ruleStack[error.context.ruleStack.length - 1];
  const span = hasPosition(found) ? tokenSpan(found) : anchorAfter(previousTokenOf(error), context.tokens);
  if (error.name === 'NoViableAltException' && rule === 'statements') {
    return syntaxError(SyntaxCode.MissingSeparator, error.message, context.file, span, SEPARATOR_HINT);
  }
  const code = error.name === 'MismatchedTokenException' ? SyntaxCode.ExpectedToken : SyntaxCode.UnexpectedToken;
  const openBrace = found.tokenType === EOF ? unclosed.pop() : undefined;
  return syntaxError(code, error.message, context.file, span, parseHint(found, openBrace));
}

/** The token before the error; chevrotain records it on its exception classes but not in their interface. */
function previousTokenOf(error: IRecognitionException): IToken | undefined {
  return 'previousToken' in error ? (error.previousToken as IToken) : undefined;
}

function unclosedHint(brace: IToken): string {
  return `the block opened at line ${brace.startLine ?? 1} is not closed`;
}

function parseHint(found: IToken, openBrace: IToken | undefined): string | undefined {
  if (found.tokenType === EOF) return openBrace ? unclosedHint(openBrace) : undefined;
  if (found.tokenType === LBrace) return BRACE_PLACEMENT_HINT;
  if (found.tokenType !== Identifier && found.tokenType !== Newline) return STATEMENT_HINT;
  return undefined;
}

/**
 * An empty span after the last real token that is not a line break and ends before `previous` does (or before
 * the end of the file): where a missing token belongs.
 */
function anchorAfter(previous: IToken | undefined, tokens: readonly IToken[]): SourceSpan {
  const limit = hasPosition(previous) ? previous.startOffset + previous.image.length : Infinity;
  const after = firstIndexNotBefore(tokens.length, (index) => tokens[index].startOffset < limit);
  for (let index = after - 1; index >= 0; index -= 1) {
    const token = tokens[index];
    if (token.tokenType !== Newline && hasPosition(token)) return spanAfter(tokenSpan(token));
  }
  return pointSpan(0, 1, 1);
}
