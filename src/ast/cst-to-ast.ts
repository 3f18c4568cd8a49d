/**
 * Builds the AST from chevrotain's CST: statements with decoded arguments and exact spans. The CST may come from
 * error recovery, so every child is treated as possibly missing or inserted (without a position).
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic, SourceSpan } from '../diagnostics/types.js';
import type { BlockCstNode, SpecCstNode, StatementCstNode, StatementsCstNode } from '../../grammar/cst.js';
import { False, NumberLiteral, StringLiteral, True } from '../../grammar/tokens.js';
import type { ArgumentNode, StatementNode } from './types.js';
import { decodeNumber, decodeString } from './literals.js';
import { hasPosition, joinSpans, pointSpan, tokenSpan } from './spans.js';
import { SyntaxCode } from './syntax-codes.js';
import { syntaxError } from './syntax-errors.js';

/** Collects the diagnostics found while decoding literals. */
export interface AstBuilderContext {
  file: string;
  diagnostics: Diagnostic[];
}

/** The statements of one or more top-level CSTs, in source order. */
export function statementsFromCst(csts: readonly SpecCstNode[], context: AstBuilderContext): StatementNode[] {
  return csts.flatMap((cst) => statementList(cst.children.statements?.[0], context));
}

function statementList(node: StatementsCstNode | undefined, context: AstBuilderContext): StatementNode[] {
  const statements: StatementNode[] = [];
  for (const child of node?.children.statement ?? []) {
    const statement = toStatement(child, context);
    if (statement) statements.push(statement);
  }
  return statements;
}

function toStatement(node: StatementCstNode, context: AstBuilderContext): StatementNode | null {
  const keyword = node.children.keyword?.[0];
  if (!hasPosition(keyword)) return null;
  const keywordSpan = tokenSpan(keyword);
  let recovered = node.recoveredNode === true;
  const args: ArgumentNode[] = [];
  for (const token of node.children.argument ?? []) {
    if (!hasPosition(token)) continue;
    const argument = toArgument(token, context);
    if (argument) args.push(argument);
    else recovered = true;
  }
  const blockNode = node.children.block?.[0];
  const block = blockNode ? toBlock(blockNode, context) : null;
  if (blockNode?.recoveredNode || block?.recovered) recovered = true;
  const lastSpan = block?.span ?? args[args.length - 1]?.span ?? keywordSpan;
  return {
    keyword: keyword.image,
    keywordSpan,
    args,
    block: block?.statements ?? null,
    blockSpan: block?.span ?? null,
    span: joinSpans(keywordSpan, lastSpan),
    recovered,
  };
}

interface BlockParts {
  statements: StatementNode[];
  span: SourceSpan;
  recovered: boolean;
}

function toBlock(node: BlockCstNode, context: AstBuilderContext): BlockParts | null {
  const open = node.children.LBrace?.[0];
  if (!hasPosition(open)) return null;
  const inner = node.children.statements?.[0];
  const statements = statementList(inner, context);
  const close = node.children.RBrace?.[0];
  // A `}` inserted by recovery has no position: the block then ends with its last real content.
  const end = hasPosition(close) ? tokenSpan(close) : (statements[statements.length - 1]?.span ?? tokenSpan(open));
  return {
    statements,
    span: joinSpans(tokenSpan(open), end),
    recovered: inner?.recoveredNode === true || !hasPosition(close),
  };
}

/** The argument for a literal token, or null (with a diagnostic) when its value cannot be decoded. */
function toArgument(token: IToken, context: AstBuilderContext): ArgumentNode | null {
  const span = tokenSpan(token);
  const raw = token.image;
  switch (token.tokenType) {
    case NumberLiteral: {
      const value = decodeNumber(raw);
      if (value !== null) return { kind: 'number', value, raw, span };
      const message = `number ${raw} is too large`;
      context.diagnostics.push(syntaxError(SyntaxCode.InvalidNumber, message, context.file, span));
      return null;
    }
    case StringLiteral: {
      const decoded = decodeString(raw);
      if (decoded.ok) return { kind: 'string', value: decoded.value, raw, span };
      const at = pointSpan(span.startOffset + decoded.offset, span.startLine, span.startColumn + decoded.offset, 1);
      context.diagnostics.push(syntaxError(SyntaxCode.InvalidString, decoded.message, context.file, at, decoded.hint));
      return null;
    }
    case True:
    case False:
      return { kind: 'boolean', value: token.tokenType === True, raw, span };
    default:
      return { kind: 'identifier', value: raw, raw, span };
  }
}
