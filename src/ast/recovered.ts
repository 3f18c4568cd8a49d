/**
 * Marks the statements a syntax error touched as `recovered`, so later stages can skip them instead of reporting
 * cascades (a statement whose bad argument the lexer dropped looks valid but is not what the user wrote).
 */
import type { Diagnostic } from '../diagnostics/types.js';
import type { StatementNode } from './types.js';
import { firstIndexNotBefore } from './spans.js';

/** A statement is touched when an error lies within its span, or on its line when it has no block. */
export function markRecoveredStatements(statements: readonly StatementNode[], diagnostics: readonly Diagnostic[]): void {
  const offsets: number[] = [];
  const lines = new Set<number>();
  for (const { span } of diagnostics) {
    if (span === null) continue;
    offsets.push(span.startOffset);
    lines.add(span.startLine);
  }
  if (offsets.length === 0) return;
  offsets.sort((a, b) => a - b);
  const visit = (list: readonly StatementNode[]): void => {
    for (const statement of list) {
      const { span } = statement;
      const next = offsets[firstIndexNotBefore(offsets.length, (index) => offsets[index] < span.startOffset)];
      const within = next !== undefined && next <= span.endOffset;
      const onItsLine = statement.block === null && lines.has(span.startLine);
      if (within || onItsLine) statement.recovered = true;
      if (statement.block) visit(statement.block);
    }
  };
  visit(statements);
}
