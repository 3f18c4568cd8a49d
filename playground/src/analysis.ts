/**
 * The compiler as the page sees it: the editor core (src/editor, the same functions the language server
 * serves) for diagnostics, completion, hover and formatting, and `checkSpec` for the IR behind the panels.
 * Ranges come as lines and characters (the language server protocol's shape) and become offsets here.
 */
import { diagnose, offsetAt, quickFixes, type EditorDiagnostic, type EditorQuickFix } from '../../src/editor/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { checkSpec } from '../../src/validate/check.js';

/** A diagnostic with 0-based offsets into the text (`to` exclusive), as CodeMirror's lint wants it. */
export interface PageDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint: string | null;
  /** 1-based, for the status line. */
  line: number;
  /** The edits that fix it, where the checker knows one (a did-you-mean, a single valid value). */
  fixes: Array<{ title: string; edits: Array<{ from: number; to: number; insert: string }> }>;
}

export interface Analysis {
  diagnostics: PageDiagnostic[];
  /** Null when there is any error. */
  ir: ModelIR | null;
}

function toOffsets(text: string, fix: EditorQuickFix): PageDiagnostic['fixes'][number] {
  return { title: fix.title, edits: fix.edits.map((edit) => ({ from: offsetAt(text, edit.range.start), to: offsetAt(text, edit.range.end), insert: edit.newText })) };
}

function located(text: string, diagnostic: EditorDiagnostic): PageDiagnostic {
  const from = offsetAt(text, diagnostic.range.start);
  // CodeMirror draws nothing for an empty range at the very end; widen it to the last character.
  const to = Math.max(offsetAt(text, diagnostic.range.end), Math.min(from + 1, text.length));
  return {
    from: Math.min(from, to),
    to,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
    hint: diagnostic.hint ?? null,
    line: diagnostic.range.start.line + 1,
    fixes: quickFixes(text, diagnostic).map((fix) => toOffsets(text, fix)),
  };
}

export function analyze(text: string): Analysis {
  return { diagnostics: diagnose(text).map((diagnostic) => located(text, diagnostic)), ir: checkSpec(text, 'playground.seqnet').ir };
}

/** Hover text is Markdown for the language server; the page shows it as text, without the code fences. */
export function plainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !line.startsWith('```'))
    .join('\n')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1');
}
