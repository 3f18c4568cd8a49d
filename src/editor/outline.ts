/** Document symbols (layers, heads, blocks and their settings) and folding ranges, from the parsed statement tree. */
import { parseSpec } from '../ast/index.js';
import type { StatementNode } from '../ast/types.js';
import { VOCABULARY } from '../validate/vocabulary.js';
import { documentName } from './diagnose.js';
import { rangeOfSpan } from './positions.js';
import type { EditorFoldingRange, EditorSymbol, EditorSymbolKind } from './types.js';

/** Top-level statements that add a layer to the body (cells, norm, dropout, dense), from the vocabulary. */
const LAYER_KEYWORDS = new Set(Object.entries(VOCABULARY.top).flatMap(([keyword, rule]) => (rule.property === 'body' ? [keyword] : [])));

function headerText(statement: StatementNode): string {
  return [statement.keyword, ...statement.args.map((arg) => arg.raw)].join(' ');
}

/** A layer's explicit `name`, if its block has one. */
function explicitName(statement: StatementNode): string | null {
  const name = statement.block?.find((child) => child.keyword === 'name' && child.args.length === 1);
  return name === undefined ? null : String(name.args[0].value);
}

function topLevelKind(statement: StatementNode): EditorSymbolKind {
  if (LAYER_KEYWORDS.has(statement.keyword)) return 'layer';
  if (statement.keyword === 'head') return 'head';
  return statement.block === null ? 'setting' : 'block';
}

function symbolOf(statement: StatementNode, kind: EditorSymbolKind): EditorSymbol {
  const header = headerText(statement);
  const name = kind === 'layer' ? (explicitName(statement) ?? header) : kind === 'head' && statement.args.length > 0 ? String(statement.args[0].value) : statement.keyword;
  return {
    name,
    detail: header,
    kind,
    range: rangeOfSpan(statement.span),
    selectionRange: rangeOfSpan(statement.keywordSpan),
    children: (statement.block ?? []).map((child) => symbolOf(child, child.block === null ? 'setting' : 'block')),
  };
}

export function symbols(text: string): EditorSymbol[] {
  const { ast } = parseSpec(text, documentName());
  return ast.statements.map((statement) => symbolOf(statement, topLevelKind(statement)));
}

/** Every block that spans lines folds from its `{` line to the line before its `}`. */
export function foldingRanges(text: string): EditorFoldingRange[] {
  const { ast } = parseSpec(text, documentName());
  const ranges: EditorFoldingRange[] = [];
  const visit = (statements: readonly StatementNode[]): void => {
    for (const statement of statements) {
      if (statement.blockSpan === null) continue;
      const startLine = statement.blockSpan.startLine - 1;
      const endLine = statement.blockSpan.endLine - 2;
      if (endLine > startLine) ranges.push({ startLine, endLine });
      visit(statement.block ?? []);
    }
  };
  visit(ast.statements);
  return ranges;
}
