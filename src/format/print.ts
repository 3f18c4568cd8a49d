/** Prints statements and their arguments canonically: numbers as written, strings re-escaped, one space apart. */
import type { ArgumentNode, StatementNode } from '../ast/types.js';

export function argumentText(argument: ArgumentNode): string {
  return argument.kind === 'string' ? JSON.stringify(argument.value) : argument.raw;
}

/** The keyword and arguments of a statement, without its block. */
export function headerText(statement: StatementNode): string {
  return [statement.keyword, ...statement.args.map(argumentText)].join(' ');
}

/** A block on one line: `{}` or `{ a 1; b 2 }`. Only for blocks whose statements have no blocks themselves. */
export function inlineBlockText(statements: readonly StatementNode[]): string {
  return statements.length === 0 ? '{}' : `{ ${statements.map(headerText).join('; ')} }`;
}
