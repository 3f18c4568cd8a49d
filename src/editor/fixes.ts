/**
 * Quick fixes, read from the checker's hints: a did-you-mean, the single valid value or example a hint names,
 * `use \`X\`` (each alternative), `set \`KEY VALUE\` in BLOCK` (a value elsewhere in the file), the `seqnet 1`
 * line a file must start with, and removing a statement that a hint says to remove. The hint is the checker's
 * own word on what would be right, so the fixes never disagree with `seqnet check`.
 */
import { parseSpec } from '../ast/index.js';
import { Code } from '../diagnostics/codes.js';
import { documentName } from './diagnose.js';
import { offsetAt, rangeOfSpan } from './positions.js';
import type { EditorDiagnostic, EditorQuickFix, EditorRange } from './types.js';

const DID_YOU_MEAN = /did you mean '([^']+)'\?/;
/** `supported versions: 1`, `one of: x`: a list with one entry is the value to write. */
const SINGLE_VALUE = /(?:^|\()(?:one of|supported versions): ([^,()]+)\)?$/;
const EXAMPLE = /^rename it, e\.g\. '([^']+)'$/;
/** `use \`hidden\``, `use \`groups per_gate\` or \`groups gates_and_candidate\``: the last word of each phrase. */
const USE = /^use (`[^`]+`(?: or `[^`]+`)*)/;
const REMOVE = /^remove (?:it|the statement|one of them)\b/;
/** `set \`features 2\` in input`: the one value a statement elsewhere in the file must have. */
const SET_IN_BLOCK = /^set `(\w+) ([\w.-]+)` in (\w+)$/;

export function quickFixes(text: string, diagnostic: EditorDiagnostic): EditorQuickFix[] {
  const hint = diagnostic.hint ?? '';
  if (diagnostic.code === Code.MissingField && hint.includes('`seqnet 1`')) {
    const start = { line: 0, character: 0 };
    return [{ title: 'Add `seqnet 1` as the first line', edits: [{ range: { start, end: start }, newText: 'seqnet 1\n' }] }];
  }
  const written = text.slice(offsetAt(text, diagnostic.range.start), offsetAt(text, diagnostic.range.end));
  // A suggestion of the very word written (a key valid in another branch of a union) would change nothing.
  const replacements = replacementWords(hint).filter((word) => word !== written && JSON.stringify(word) !== written);
  if (replacements.length > 0) return replacements.map((word) => replaceFix(text, diagnostic.range, word));
  if (REMOVE.test(hint)) return removeLineFix(text, diagnostic.range);
  const set = SET_IN_BLOCK.exec(hint);
  if (set !== null) return setInBlockFix(text, set[3], set[1], set[2]);
  return [];
}

/** Replaces the argument of `keyword` in the top-level `block` (`features 3` in `input { … }`) with `value`. */
function setInBlockFix(text: string, block: string, keyword: string, value: string): EditorQuickFix[] {
  const { ast } = parseSpec(text, documentName());
  const owner = ast.statements.find((statement) => statement.keyword === block && statement.block !== null);
  const target = owner?.block?.find((statement) => statement.keyword === keyword && statement.args.length === 1);
  if (target === undefined) return [];
  const range = rangeOfSpan(target.args[0].span);
  return [{ title: `Set \`${keyword} ${value}\` in ${block}`, edits: [{ range, newText: value }] }];
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
