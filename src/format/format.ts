/**
 * `seqnet fmt`: prints a spec canonically. Refuses (text null) when the source has syntax errors, since
 * formatting a recovered tree could silently drop what the user wrote.
 */
import type { Diagnostic } from '../diagnostics/types.js';
import { parseSpec } from '../ast/index.js';
import type { CommentNode, SpecAst, StatementNode } from '../ast/types.js';
import { firstIndexNotBefore } from '../ast/spans.js';
import { INDENT, Layout, type LayoutLine } from './layout.js';

export interface FormatResult {
  /** The formatted text, or null when the source has syntax errors. */
  text: string | null;
  diagnostics: Diagnostic[];
}

/** Separates code from a comment that follows it on the same line. */
export const TRAILING_COMMENT_GAP = '  ';

export function formatSpec(source: string, fileName = '<input>'): FormatResult {
  const { ast, diagnostics } = parseSpec(source, fileName);
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return { text: null, diagnostics };
  return { text: formatAst(ast), diagnostics };
}

/** Formats a syntactically valid AST, comments included. */
export function formatAst(ast: SpecAst): string {
  const anchors = anchorLines(ast.statements);
  // A trailing comment stays at the end of its line only if code printed from that line can carry it.
  const isTrailing = (comment: CommentNode): boolean => comment.trailing && anchors.has(comment.span.startLine);
  const trailing = ast.comments.filter(isTrailing);
  const ownLine = ast.comments.filter((comment) => !isTrailing(comment));
  const layout = new Layout(ownLine, blocksContaining(ast.statements, ast.comments));
  layout.statementList(ast.statements, 0, Infinity);
  attachTrailingComments(layout.lines, trailing);
  const text = layout.lines.map((line) => (line.text === '' ? '' : INDENT.repeat(line.depth) + line.text)).join('\n');
  return text === '' ? '' : `${text}\n`;
}

/** Source lines on which printed code starts: statement keywords and closing braces. */
function anchorLines(statements: readonly StatementNode[], into = new Set<number>()): Set<number> {
  for (const statement of statements) {
    into.add(statement.keywordSpan.startLine);
    if (statement.block && statement.blockSpan) {
      into.add(statement.blockSpan.endLine);
      anchorLines(statement.block, into);
    }
  }
  return into;
}

/** Start offsets of every block whose braces enclose a comment. */
function blocksContaining(statements: readonly StatementNode[], comments: readonly CommentNode[]): Set<number> {
  const offsets = comments.map((comment) => comment.span.startOffset);
  const result = new Set<number>();
  const visit = (list: readonly StatementNode[]): void => {
    for (const { block, blockSpan } of list) {
      if (!block || !blockSpan) continue;
      const next = offsets[firstIndexNotBefore(offsets.length, (index) => offsets[index] <= blockSpan.startOffset)];
      if (next !== undefined && next < blockSpan.endOffset) result.add(blockSpan.startOffset);
      visit(block);
    }
  };
  visit(statements);
  return result;
}

/** Appends each trailing comment to the last printed line that came from the comment's source line. */
function attachTrailingComments(lines: LayoutLine[], trailing: readonly CommentNode[]): void {
  const lastLineFor = new Map<number, LayoutLine>();
  for (const line of lines) if (line.sourceLine !== null) lastLineFor.set(line.sourceLine, line);
  for (const comment of trailing) {
    const line = lastLineFor.get(comment.span.startLine);
    if (line) line.text += TRAILING_COMMENT_GAP + comment.text.trimEnd();
  }
}
