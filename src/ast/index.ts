/**
 * The syntax stage: `.seqnet` text to AST plus syntax diagnostics. Never throws, whatever the input; every problem
 * becomes an SN0xxx diagnostic and error recovery keeps as much of the statement tree as it can.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import { checkBraces } from '../../grammar/braces.js';
import { lex } from '../../grammar/lexer.js';
import { parseTokens } from '../../grammar/parser.js';
import type { SpecAst } from './types.js';
import { commentNodes } from './comments.js';
import { statementsFromCst } from './cst-to-ast.js';
import { markRecoveredStatements } from './recovered.js';
import { wholeTextSpan } from './spans.js';
import { MAX_NESTING_DEPTH, MAX_REPORTED_SYNTAX_ERRORS, SyntaxCode } from './syntax-codes.js';

/** Parsing stops after this many parser errors; far more than are reported, few enough to stay fast. */
const MAX_PARSE_ERRORS = 1000;
import {
  lexicalDiagnostic,
  nestingDiagnostic,
  parseErrorDiagnostics,
  syntaxError,
  unmatchedBraceDiagnostic,
} from './syntax-errors.js';

export type { ArgumentNode, ArgumentValue, CommentNode, SpecAst, StatementNode } from './types.js';
export { SYNTAX_CODES, SyntaxCode, type SyntaxCodeInfo } from './syntax-codes.js';

export interface ParseResult {
  ast: SpecAst;
  diagnostics: Diagnostic[];
}

export function parseSpec(source: string, fileName = '<input>'): ParseResult {
  const lexed = lex(source);
  const braces = checkBraces(lexed.tokens, MAX_NESTING_DEPTH);
  // Error lists can have a million entries on garbage input: concatenate, never spread into a call.
  let diagnostics = lexed.errors
    .map((error) => lexicalDiagnostic(error, fileName))
    .concat(braces.unmatchedClosing.map((token) => unmatchedBraceDiagnostic(token, fileName)));
  const ast: SpecAst = {
    file: fileName,
    statements: [],
    comments: commentNodes(lexed.comments, source),
    span: wholeTextSpan(source),
  };
  if (braces.tooDeep) {
    // Recursion in the parser and the AST builder is bounded by the nesting depth, so stop here.
    diagnostics.push(nestingDiagnostic(braces.tooDeep, fileName));
    return { ast, diagnostics: capDiagnostics(diagnostics, fileName) };
  }
  const parsed = parseTokens(braces.tokens, MAX_PARSE_ERRORS);
  const context = { file: fileName, tokens: braces.tokens, unclosed: braces.unclosed };
  diagnostics = diagnostics.concat(parseErrorDiagnostics(parsed.errors, context));
  ast.statements = statementsFromCst(parsed.csts, { file: fileName, diagnostics });
  markRecoveredStatements(ast.statements, diagnostics);
  return { ast, diagnostics: capDiagnostics(diagnostics, fileName, parsed.complete) };
}

/**
 * Diagnostics in source order, at most `MAX_REPORTED_SYNTAX_ERRORS` of them plus one that counts the rest (or
 * says that parsing stopped, when the count is incomplete).
 */
function capDiagnostics(diagnostics: Diagnostic[], fileName: string, complete = true): Diagnostic[] {
  const ordered = diagnostics.sort((a, b) => (a.span?.startOffset ?? 0) - (b.span?.startOffset ?? 0));
  if (ordered.length <= MAX_REPORTED_SYNTAX_ERRORS) return ordered;
  const rest = ordered.length - MAX_REPORTED_SYNTAX_ERRORS;
  const message = complete
    ? `… and ${rest} more syntax error${rest === 1 ? '' : 's'}`
    : `… and ${rest} more syntax errors before parsing stopped`;
  const hint = 'fix the errors above first; later ones are often caused by them';
  return [...ordered.slice(0, MAX_REPORTED_SYNTAX_ERRORS), syntaxError(SyntaxCode.TooManyErrors, message, fileName, null, hint)];
}
