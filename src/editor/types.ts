/**
 * What the editor core returns: plain data in the language server protocol's shape (0-based lines and UTF-16
 * characters), so the language server and the browser playground can each hand it to their editor unchanged.
 */

export interface EditorPosition {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 code unit within the line (what JavaScript string indices count). */
  character: number;
}

export interface EditorRange {
  start: EditorPosition;
  end: EditorPosition;
}

export interface EditorRelatedLocation {
  range: EditorRange;
  message: string;
}

export interface EditorDiagnostic {
  range: EditorRange;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint?: string;
  /** The code's entry in docs/diagnostics.md, relative to the repository (or package) root: `docs/diagnostics.md#sn1002-unknown-field`. */
  docs: string;
  related: EditorRelatedLocation[];
}

export type EditorCompletionKind = 'keyword' | 'block' | 'value' | 'preset' | 'site';

export interface EditorCompletion {
  label: string;
  kind: EditorCompletionKind;
  /** One line: the statement's usage, or what the value means. */
  detail: string;
  insertText: string;
  /** Longer Markdown-free text: the schema's description of the statement or value, or a preset's source. */
  documentation?: string;
  /** The text the completion replaces: the partial word before the cursor (empty at a word boundary). */
  range: EditorRange;
}

export interface EditorTextEdit {
  range: EditorRange;
  newText: string;
}

export interface EditorQuickFix {
  title: string;
  edits: EditorTextEdit[];
}

export type EditorSymbolKind = 'layer' | 'head' | 'block' | 'setting';

export interface EditorSymbol {
  name: string;
  /** What it is: `lstm 32`, `head`, `train`. */
  detail: string;
  kind: EditorSymbolKind;
  /** The whole statement, block included. */
  range: EditorRange;
  /** The keyword (or the name) to highlight when the symbol is picked. */
  selectionRange: EditorRange;
  children: EditorSymbol[];
}

export interface EditorFoldingRange {
  /** 0-based line of the opening brace. */
  startLine: number;
  /** 0-based last line folded (the line before the closing brace). */
  endLine: number;
}
