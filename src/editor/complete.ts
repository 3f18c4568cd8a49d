/**
 * Completion of what is valid at the cursor: the statements of the enclosing block, then each argument's words
 * (enum values, `true`/`false`, presets and norm sites valid for the enclosing cell), from the vocabulary and
 * the schema the checker uses. Every candidate is returned; editors filter by the typed prefix themselves.
 */
import { PRESETS } from '../ir/presets/index.js';
import { SUPPORTED_VERSIONS } from '../validate/enums.js';
import { VOCABULARY, type StatementRule } from '../validate/vocabulary.js';
import { CELL_FACTS, NORM_KINDS, hasGates, initializerFits, isRecurrentInitializer, type CellKind } from '../variants/index.js';
import { cursorContext, type CursorContext, type StatementHeader } from './cursor.js';
import { LineIndex, rangeBetween } from './positions.js';
import { argumentSchema, blockSchema, descriptionOf, expectedArgument, ruleOf, statementSchema, wordsOf } from './schema-lookup.js';
import type { EditorCompletion, EditorCompletionKind } from './types.js';

type Candidate = Omit<EditorCompletion, 'insertText' | 'range'>;

export function complete(text: string, offset: number): EditorCompletion[] {
  const cursor = cursorContext(text, offset);
  if (cursor === null || cursor.context === null) return [];
  const range = rangeBetween(new LineIndex(text), cursor.prefixStart, offset);
  const candidates = cursor.statement === null ? statementCandidates(cursor) : argumentCandidates(cursor, cursor.statement);
  return candidates.map((candidate) => ({ ...candidate, insertText: candidate.label, range }));
}

/** Statements that only some cells have (`forget_bias` needs a forget gate, `reset` a GRU's reset gate). */
function cellHasStatement(cell: CellKind, keyword: string): boolean {
  const facts = CELL_FACTS[cell];
  if (keyword === 'forget_bias') return facts.forgetGate !== null;
  if (keyword === 'reset') return facts.resetChoice;
  if (keyword === 'recurrent_activation') return hasGates(cell);
  return true;
}

function statementCandidates(cursor: CursorContext): Candidate[] {
  if (cursor.context === null) return [];
  const parent = blockSchema(cursor.blocks);
  const { cell } = cursor;
  return Object.entries(VOCABULARY[cursor.context])
    .filter(([keyword]) => cursor.context !== 'recurrent' || cell === null || cellHasStatement(cell, keyword))
    .map(([keyword, rule]) => {
      const kind: EditorCompletionKind = rule.block === undefined ? 'keyword' : 'block';
      const documentation = descriptionOf(statementSchema(parent, rule, { keyword, args: [] }));
      return { label: keyword, kind, detail: `${keyword} ${rule.usage}`, ...(documentation === '' ? {} : { documentation }) };
    });
}

function argumentCandidates(cursor: CursorContext, statement: StatementHeader): Candidate[] {
  if (cursor.context === null) return [];
  const rule = ruleOf(cursor.context, statement.keyword);
  if (rule === undefined) return [];
  if (cursor.context === 'recurrent' && statement.keyword === 'norm') return cellNormCandidates(cursor.cell, rule, statement.args);
  if (cursor.context === 'top' && statement.keyword === 'seqnet' && statement.args.length === 0) {
    return SUPPORTED_VERSIONS.map((version) => ({ label: String(version), kind: 'value', detail: 'language version' }));
  }
  const expected = rule.store === 'keyed' ? null : expectedArgument(rule, statement.args);
  if (expected !== null && 'literal' in expected) return [literalCandidate(expected.literal, rule)];
  const argument = argumentSchema(statementSchema(blockSchema(cursor.blocks), rule, statement), rule, statement.args);
  if ('keys' in argument) return keyCandidates(argument.keys, cursor.cell, rule);
  const detail = descriptionOf(argument.node);
  const words = unique(wordsOf(argument.node));
  // `initializer recurrent NAME` in a cell: only the names its recurrent weight's form accepts (a matrix or a vector).
  const fitting = cursor.context === 'recurrent' && cursor.cell !== null && statement.keyword === 'initializer' && statement.args[0] === 'recurrent';
  const cell = cursor.cell;
  const offered = fitting && cell !== null ? words.filter((word) => !isRecurrentInitializer(word) || initializerFits(word, cell)) : words;
  return offered.map((word) => ({ label: word, kind: 'value', detail }));
}

function literalCandidate(word: string, rule: StatementRule): Candidate {
  return { label: word, kind: 'keyword', detail: rule.usage };
}

/** `dropout input|recurrent|candidate`, `zoneout cell|hidden` and `initial_noise cell|hidden` (`cell` only in cells with a c state), `clip norm|value`. */
function keyCandidates(keys: readonly string[], cell: CellKind | null, rule: StatementRule): Candidate[] {
  const states: readonly string[] = cell === null ? ['h', 'c'] : CELL_FACTS[cell].states;
  const usable = rule.usage.startsWith('cell|hidden') ? keys.filter((key) => key !== 'cell' || states.includes('c')) : keys;
  return usable.map((key) => ({ label: key, kind: 'value', detail: rule.usage }));
}

/** `norm PRESET` or `norm KIND at SITE…`: presets defined for the cell, kinds, `at`, then the cell's sites not yet listed. */
function cellNormCandidates(cell: CellKind | null, rule: StatementRule, written: readonly string[]): Candidate[] {
  if (written.length === 0) {
    const presets = PRESETS.filter((preset) => cell === null || preset.cells.includes(cell));
    return [
      ...presets.map((preset): Candidate => ({ label: preset.name, kind: 'preset', detail: `preset for ${preset.cells.join(', ')}`, documentation: preset.doc })),
      ...NORM_KINDS.map((kind): Candidate => ({ label: kind, kind: 'value', detail: `${kind} normalization at explicit sites: norm ${kind} at SITE…` })),
    ];
  }
  const expected = expectedArgument(rule, written);
  if (expected === null) return [];
  if ('literal' in expected) return [literalCandidate(expected.literal, rule)];
  const sites: readonly string[] = cell === null ? [] : CELL_FACTS[cell].sites;
  return sites.filter((site) => !written.includes(site)).map((site) => ({ label: site, kind: 'site', detail: `a norm site of ${cell ?? 'the cell'}` }));
}

function unique(words: readonly string[]): string[] {
  return [...new Set(words)];
}
