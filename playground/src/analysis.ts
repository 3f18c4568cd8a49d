/**
 * The compiler as the editor sees it, running in the page: diagnostics from `checkSpec` (the same as
 * `seqnet check`), and keyword completion and hover from the statement vocabulary and the presets.
 */
import { checkSpec } from '../../src/validate/check.js';
import { VOCABULARY } from '../../src/validate/vocabulary.js';
import { PRESETS } from '../../src/ir/presets/index.js';
import type { ModelIR } from '../../src/ir/types.js';

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
}

export interface Analysis {
  diagnostics: PageDiagnostic[];
  /** Null when there is any error. */
  ir: ModelIR | null;
}

export function analyze(text: string): Analysis {
  const { diagnostics, ir } = checkSpec(text, 'playground.seqnet');
  const located = diagnostics.map((diagnostic) => {
    const span = diagnostic.span;
    // A diagnostic without a position (rare: none for text already in memory) marks the first character.
    const from = span === null ? 0 : Math.min(span.startOffset, text.length);
    const to = span === null ? Math.min(1, text.length) : Math.min(Math.max(span.endOffset, from), text.length);
    return { from, to, severity: diagnostic.severity, code: diagnostic.code, message: diagnostic.message, hint: diagnostic.hint ?? null, line: span?.startLine ?? 1 };
  });
  return { diagnostics: located, ir };
}

export interface KeywordInfo {
  keyword: string;
  usage: string;
}

/** Every statement keyword of the language with how it is written, one entry per keyword (first context wins). */
export function keywords(): KeywordInfo[] {
  const seen = new Map<string, string>();
  for (const rules of Object.values(VOCABULARY)) {
    for (const [keyword, rule] of Object.entries(rules)) if (!seen.has(keyword)) seen.set(keyword, rule.usage);
  }
  return [...seen].map(([keyword, usage]) => ({ keyword, usage }));
}

export function presetNames(): string[] {
  return PRESETS.map((preset) => preset.name);
}

/** What hovering `word` shows: a preset's documentation or a statement's usage; null for anything else. */
export function hoverText(word: string): string | null {
  const preset = PRESETS.find((candidate) => candidate.name === word);
  if (preset !== undefined) return `norm ${preset.name} (${preset.cells.join(', ')})\n${preset.doc}`;
  const usages = Object.values(VOCABULARY).flatMap((rules) => (Object.hasOwn(rules, word) ? [rules[word].usage] : []));
  if (usages.length === 0) return null;
  return [...new Set(usages)].map((usage) => `${word} ${usage}`).join('\n');
}
