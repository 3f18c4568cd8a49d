/** Prints the parser's grammar (chevrotain GAST productions) as EBNF, so the reference docs cannot drift. */
import {
  Alternation,
  Alternative,
  NonTerminal,
  Option,
  Repetition,
  RepetitionMandatory,
  RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator,
  Terminal,
  type IProduction,
  type Rule,
  type TokenType,
} from 'chevrotain';

/** A terminal as written in the EBNF: punctuation as its quoted text, other tokens by name. */
export function terminalName(tokenType: TokenType): string {
  const pattern = tokenType.PATTERN;
  return typeof pattern === 'string' ? `'${pattern}'` : tokenType.name;
}

/** One line per rule: `name ::= expression`. */
export function rulesToEbnf(rules: readonly Rule[]): string {
  const width = Math.max(...rules.map((rule) => rule.name.length));
  return rules.map((rule) => `${rule.name.padEnd(width)} ::= ${sequence(rule.definition)}`).join('\n');
}

function sequence(productions: IProduction[]): string {
  if (productions.length === 0) return 'ε';
  return productions.map(production).join(' ');
}

/** A sequence under a postfix operator: parenthesised when it has several parts (a choice brings its own). */
function group(productions: IProduction[]): string {
  const text = sequence(productions);
  return productions.length === 1 ? text : `( ${text} )`;
}

function production(node: IProduction): string {
  if (node instanceof Terminal) return terminalName(node.terminalType);
  if (node instanceof NonTerminal) return node.nonTerminalName;
  if (node instanceof Alternative) return sequence(node.definition);
  if (node instanceof Alternation) return `( ${node.definition.map(production).join(' | ')} )`;
  if (node instanceof Option) return `${group(node.definition)}?`;
  if (node instanceof Repetition) return `${group(node.definition)}*`;
  if (node instanceof RepetitionMandatory) return `${group(node.definition)}+`;
  if (node instanceof RepetitionWithSeparator || node instanceof RepetitionMandatoryWithSeparator) {
    const separator = terminalName(node.separator);
    const item = group(node.definition);
    const list = `${item} ( ${separator} ${item} )*`;
    return node instanceof RepetitionWithSeparator ? `( ${list} )?` : list;
  }
  throw new Error(`unknown grammar production ${node.constructor.name}`);
}
