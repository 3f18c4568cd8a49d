/**
 * The AST of a `.seqnet` file.
 *
 * The surface syntax is a small, generic, line-oriented statement tree (in the family of nginx configs, HCL and
 * KDL): every statement is a keyword, zero or more arguments, and an optional `{ … }` block of nested
 * statements. The vocabulary (which keywords exist where, what their arguments mean) is not in the grammar but
 * in the validation stage (src/validate), so the grammar never changes when a normalization or dropout variant
 * is added. Every node carries its source span; comments are kept so `seqnet fmt` can reproduce them.
 */
import type { SourceSpan } from '../diagnostics/types.js';

export type ArgumentValue =
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'identifier'; value: string; raw: string }
  | { kind: 'boolean'; value: boolean; raw: string };

export type ArgumentNode = ArgumentValue & { span: SourceSpan };

export interface StatementNode {
  /** The keyword that starts the statement (`lstm`, `norm`, `epochs`, …). */
  keyword: string;
  keywordSpan: SourceSpan;
  args: ArgumentNode[];
  /** Null when the statement has no `{ … }` block; an empty array for `{}`. */
  block: StatementNode[] | null;
  /** Span of the `{ … }` block, braces included, or null. */
  blockSpan: SourceSpan | null;
  /** Span of the whole statement (keyword to closing brace or last argument). */
  span: SourceSpan;
  /** True when the parser recovered inside this statement; later stages may skip it to avoid cascades. */
  recovered: boolean;
}

export interface CommentNode {
  /** The comment text including the leading `#`. */
  text: string;
  span: SourceSpan;
  /** True when the comment follows code on the same line (a trailing comment). */
  trailing: boolean;
}

export interface SpecAst {
  file: string;
  statements: StatementNode[];
  comments: CommentNode[];
  span: SourceSpan;
}
