/**
 * Where the cursor is in a `.seqnet` text: the enclosing blocks, the statement being written and the partial word
 * under the cursor. Read from the language's own lexer over the text before the cursor, so an unfinished line
 * (the usual state while typing) needs no parse and no recovery.
 */
import { lex } from '../../grammar/lexer.js';
import { CELL_KINDS, type CellKind } from '../variants/index.js';
import { VOCABULARY, type ContextName, type StatementRule } from '../validate/vocabulary.js';

/** A statement header: its keyword and the arguments written so far, as source text. */
export interface StatementHeader {
  keyword: string;
  args: string[];
}

export interface CursorContext {
  /** The blocks around the cursor, outermost first. */
  blocks: StatementHeader[];
  /** The vocabulary context of the innermost block; null inside a block the language does not know. */
  context: ContextName | null;
  /** The cell kind of the enclosing recurrent layer, if any (it decides the valid sites and presets). */
  cell: CellKind | null;
  /** The statement the cursor is in (without the partial word); null at the start of a statement. */
  statement: StatementHeader | null;
  /** The partial word before the cursor, and where it starts. */
  prefix: string;
  prefixStart: number;
}

const SEPARATORS = new Set(['Newline', 'Semicolon']);
const WORDS = new Set(['Identifier', 'True', 'False', 'NumberLiteral']);

/** The cursor context at `offset`, or null inside a comment or a string (nothing to complete there). */
export function cursorContext(text: string, offset: number): CursorContext | null {
  const before = text.slice(0, offset);
  const lexed = lex(before);
  const lastComment = lexed.comments[lexed.comments.length - 1];
  if (lastComment !== undefined && lastComment.startOffset + lastComment.image.length === offset) return null;
  if (lexed.errors.some((error) => error.kind === 'unterminated-string' && error.offset + error.length >= offset)) return null;
  const tokens = lexed.tokens;
  const last = tokens[tokens.length - 1];
  let prefix = '';
  let prefixStart = offset;
  if (last !== undefined && last.startOffset + last.image.length === offset) {
    if (last.tokenType.name === 'StringLiteral') return null;
    if (WORDS.has(last.tokenType.name)) {
      prefix = last.image;
      prefixStart = last.startOffset;
      tokens.pop();
    }
  }
  const blocks: StatementHeader[] = [];
  let current: string[] = [];
  for (const token of tokens) {
    const kind = token.tokenType.name;
    if (SEPARATORS.has(kind)) current = [];
    else if (kind === 'LBrace') {
      blocks.push({ keyword: current[0] ?? '', args: current.slice(1) });
      current = [];
    } else if (kind === 'RBrace') {
      blocks.pop();
      current = [];
    } else current.push(token.image);
  }
  const statement = current.length === 0 ? null : { keyword: current[0], args: current.slice(1) };
  return { blocks, ...contextOf(blocks), statement, prefix, prefixStart };
}

/** Follows the blocks through the vocabulary: `lstm 32 {` → recurrent, then `norm … {` → cellNorm. */
function contextOf(blocks: readonly StatementHeader[]): { context: ContextName | null; cell: CellKind | null } {
  let context: ContextName | null = 'top';
  let cell: CellKind | null = null;
  for (const block of blocks) {
    const rule: StatementRule | undefined = context === null ? undefined : Object.hasOwn(VOCABULARY[context], block.keyword) ? VOCABULARY[context][block.keyword] : undefined;
    if (context === 'top' && (CELL_KINDS as readonly string[]).includes(block.keyword)) cell = block.keyword as CellKind;
    context = rule?.block ?? null;
  }
  return { context, cell };
}
