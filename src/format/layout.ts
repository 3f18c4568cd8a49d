/**
 * Lays a statement tree out as lines: one statement per line, two-space indentation, blocks inline when they were
 * on one line and stay short and simple, own-line comments where they were, blank lines kept (at most one).
 */
import type { SourceSpan } from '../diagnostics/types.js';
import type { CommentNode, StatementNode } from '../ast/types.js';
import { headerText, inlineBlockText } from './print.js';

export const INDENT = '  ';
export const MAX_INLINE_WIDTH = 100;

/** One output line; `sourceLine` tells which trailing comment (if any) belongs at its end. */
export interface LayoutLine {
  depth: number;
  text: string;
  /** The source line of the code this line prints, or null for comments and blank lines. */
  sourceLine: number | null;
}

export class Layout {
  readonly lines: LayoutLine[] = [];
  private nextComment = 0;

  /**
   * @param ownLineComments comments printed on their own line, in source order; each is printed at the level of
   *   the statement list it sits in, which the single forward cursor finds because lists are visited in order.
   * @param blocksWithComments start offsets of blocks that contain a comment (they are never printed inline).
   */
  constructor(
    private readonly ownLineComments: readonly CommentNode[],
    private readonly blocksWithComments: ReadonlySet<number>,
  ) {}

  /**
   * Lays out a statement list and the own-line comments before `endOffset` (its closing brace, or the end).
   * Each item is printed before the next is looked at, so comments inside a statement's block are taken by
   * that block before this list looks for comments after the statement.
   */
  statementList(statements: readonly StatementNode[], depth: number, endOffset: number): void {
    let previousLastLine: number | null = null;
    const place = (firstLine: number, lastLine: number, print: () => void): void => {
      // A gap of two or more lines means at least one blank line in the source; keep one.
      if (previousLastLine !== null && firstLine - previousLastLine >= 2) {
        this.lines.push({ depth: 0, text: '', sourceLine: null });
      }
      print();
      previousLastLine = lastLine;
    };
    for (const statement of statements) {
      this.commentsBefore(statement.span.startOffset, depth, place);
      place(statement.span.startLine, statement.span.endLine, () => this.statement(statement, depth));
    }
    this.commentsBefore(endOffset, depth, place);
  }

  private commentsBefore(
    offset: number,
    depth: number,
    place: (firstLine: number, lastLine: number, print: () => void) => void,
  ): void {
    while (this.nextComment < this.ownLineComments.length) {
      const comment = this.ownLineComments[this.nextComment];
      if (comment.span.startOffset >= offset) return;
      this.nextComment += 1;
      const text = comment.text.trimEnd();
      place(comment.span.startLine, comment.span.startLine, () => this.lines.push({ depth, text, sourceLine: null }));
    }
  }

  private statement(statement: StatementNode, depth: number): void {
    const header = headerText(statement);
    const line = statement.keywordSpan.startLine;
    const block = statement.block;
    const blockSpan = statement.blockSpan;
    if (block === null || blockSpan === null) {
      this.lines.push({ depth, text: header, sourceLine: line });
      return;
    }
    if (this.canInline(block, blockSpan, depth, header)) {
      this.lines.push({ depth, text: `${header} ${inlineBlockText(block)}`, sourceLine: line });
      return;
    }
    this.lines.push({ depth, text: `${header} {`, sourceLine: line });
    this.statementList(block, depth + 1, blockSpan.endOffset - 1);
    this.lines.push({ depth, text: '}', sourceLine: blockSpan.endLine });
  }

  private canInline(block: readonly StatementNode[], span: SourceSpan, depth: number, header: string): boolean {
    if (span.startLine !== span.endLine || this.blocksWithComments.has(span.startOffset)) return false;
    if (block.some((statement) => statement.block !== null)) return false;
    return depth * INDENT.length + header.length + 1 + inlineBlockText(block).length <= MAX_INLINE_WIDTH;
  }
}
