/**
 * Quick fixes, read from the checker's hints: a did-you-mean, the single valid value or example a hint names,
 * `use \`X\`` (each alternative), the `seqnet 1` line a file must start with, and removing a statement that a
 * hint says to remove. The hint is the checker's own word on what would be right, so the fixes never disagree
 * with `seqnet check`.
 */
import { Code } from '../diagnostics/codes.js';
import { offsetAt } from './positions.js';
import type { EditorDiagnostic, EditorQuickFix, EditorRange } from './types.js';

const DID_YOU_MEAN = /did you mean '([^']+)'\?/;
/** `supported versions: 1`, `one of: x`: a list with one entry is the value to write. */
const SINGLE_VALUE = /(?:^|\()(?:one of|supported versions): ([^,()]+)\)?$/;
const EXAMPLE = /^rename it, e\.g\. '([^']+)'$/;
/** `use \`hidden\``, `use \`groups per_gate\` or \`groups gates_and_candidate\``: the last word of each phrase. */
const USE = /^use (`[^`]+`(?: or `[^`]+`)*)/;
const REMOVE = /^remove (?:it|the statement|one of them)\b/;

export function quickFixes(text: string, diagnostic: EditorDiagnostic): EditorQuickFix[] {
  const hint = diagnostic.hint ?? '';
  if (diagnostic.code === Code.MissingField && hint.includes('`seqnet 1`')) {
    const start = { line: 0, character: 0 };
    return [{ title: 'Add `seqnet 1` as the first line', edits: [{ range: { start, end: start }, newText: 'seqnet 1\n' }] }];
  }
  const replacements = replacementWords(hint);
  if (replacements.length > 0) return replacements.map((word) => replaceFix(text, diagnostic.range, word));
  if (REMOVE.test(hint)) return removeLineFix(text, diagnostic.range);
  return [];
}

function replacementWords(hint: string): string[] {
  const single = DID_YOU_MEAN.exec(hint) ?? EXAMPLE.exec(hint) ?? SINGLE_VALUE.exec(hint);
  if (single !== null) return [single[1].trim()];
  const use = USE.exec(hint);
  if (use === null) return [];
  return [...use[1].matchAll(/`([^`]+)`/g)].map((phrase) => phrase[1].split(' ').pop() ?? '').filter((word) => /^[\w.-]+$/.test(word));
}

/** Replaces the diagnostic's range; a quoted JSON key or string stays quoted. */
function replaceFix(text: string, range: EditorRange, word: string): EditorQuickFix {
  const written = text.slice(offsetAt(text, range.start), offsetAt(text, range.end));
  const quoted = written.startsWith('"') && written.endsWith('"') && written.length >= 2;
  return { title: `Change to '${word}'`, edits: [{ range, newText: quoted ? JSON.stringify(word) : word }] };
}

/** Deletes the diagnostic's line when it holds one statement and nothing else (no braces: no block to break). */
function removeLineFix(text: string, range: EditorRange): EditorQuickFix[] {
  if (range.start.line !== range.end.line) return [];
  const lineStart = offsetAt(text, { line: range.start.line, character: 0 });
  const lineEnd = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
  if (/[{};]/.test(line.replace(/#.*$/, '')) || line.trimStart().startsWith('"')) return [];
  const end = lineEnd === -1 ? { line: range.start.line, character: line.length } : { line: range.start.line + 1, character: 0 };
  return [{ title: 'Remove the statement', edits: [{ range: { start: { line: range.start.line, character: 0 }, end }, newText: '' }] }];
}
