/**
 * Builds the VS Code extension's TextMate grammar (editors/vscode/syntaxes/seqnet.tmLanguage.json) from the
 * language's own tables, so that a new cell kind, norm kind, site, preset, option or enum value is highlighted
 * without editing the grammar by hand: the token patterns come from the lexer (grammar/tokens.ts), the
 * statement keywords from the vocabulary (src/validate/vocabulary.ts), the variants from src/variants, the
 * presets from their registry, and the other closed words from the JSON schema and the vocabulary's usage
 * lines. `npm run vscode:grammar` writes it; test/editors/vscode-grammar.test.ts keeps the committed file fresh.
 *
 * A `.seqnet` statement is a keyword, then arguments, then an optional `{ … }` block, ended by a line break,
 * a `;` or a brace. The grammar follows that shape: the first word outside a statement is its keyword (scoped
 * by what it declares), and words after it are arguments (scoped by the closed list they belong to). It needs
 * no knowledge of which block it is in, because no keyword means two different kinds of thing.
 */
import type { TokenType } from 'chevrotain';
import { Comment, False, Identifier, InvalidNumber, NumberLiteral, StringLiteral, True, UnterminatedString } from '../grammar/tokens.js';
import type { ArgumentNode } from '../src/ast/types.js';
import { PRESET_NAMES } from '../src/ir/presets/index.js';
import { SPEC_SCHEMA } from '../src/validate/schema.js';
import { VOCABULARY, type ArgSpec, type StatementRule } from '../src/validate/vocabulary.js';
import { CELL_KINDS, NORM_KINDS, NORM_SITES } from '../src/variants/index.js';

export const GRAMMAR_PATH = 'editors/vscode/syntaxes/seqnet.tmLanguage.json';
export const SCOPE_NAME = 'source.seqnet';

/** The closed word lists the grammar scopes, each a distinct set (a word is in the first list that has it). */
export interface WordLists {
  /** Statement keywords, by what the statement declares. */
  cellKeywords: string[];
  layerKeywords: string[];
  blockKeywords: string[];
  optionKeywords: string[];
  /** Argument words. */
  connectors: string[];
  booleans: string[];
  normKinds: string[];
  sites: string[];
  presets: string[];
  values: string[];
}

type TextMateRule = Record<string, unknown>;

const ALL_RULES: readonly StatementRule[] = Object.values(VOCABULARY).flatMap((context) => Object.values(context));

/** A statement's argument forms; a rule whose forms depend on its arguments is asked with 0 to 3 of them. */
function argumentForms(rule: StatementRule): ArgSpec[] {
  if (typeof rule.args !== 'function') return rule.args;
  const shaped = rule.args;
  return [0, 1, 2, 3].flatMap((count) => shaped(Array.from({ length: count }, () => ({ kind: 'identifier', value: 'x' }) as unknown as ArgumentNode)));
}

/**
 * Words written as they are (lower case) in the vocabulary's usage lines: `before|after`, `adam|sgd|rmsprop`.
 * A usage line may show a second form of its statement (`PATIENCE  or  early_stopping { … }`): that `or` and
 * the statement's own keyword are not argument words.
 */
function usageWords(): string[] {
  const keywordRules = Object.values(VOCABULARY).flatMap((context) => Object.entries(context));
  return keywordRules.flatMap(([keyword, rule]) => (rule.usage.match(/\b[a-z][a-z0-9_]*\b/g) ?? []).filter((word) => word !== keyword && word !== 'or'));
}

/** Every closed word of the JSON schema: `enum` values and single-word patterns (`^variable$`). */
function schemaWords(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(schemaWords);
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own: string[] = [];
  if (Array.isArray(node.enum)) own.push(...node.enum.filter((value): value is string => typeof value === 'string'));
  if (typeof node.pattern === 'string') own.push(...(/^\^([a-z_]+)\$$/.exec(node.pattern)?.slice(1) ?? []));
  return [...own, ...Object.values(node).flatMap(schemaWords)];
}

/** The word lists, each without the words of the lists before it (so every word has one scope). */
export function wordLists(): WordLists {
  const taken = new Set<string>();
  const claim = (words: Iterable<string>): string[] => {
    const fresh = [...new Set(words)].filter((word) => !taken.has(word)).sort();
    fresh.forEach((word) => taken.add(word));
    return fresh;
  };
  const keywords = Object.values(VOCABULARY).flatMap((context) => Object.entries(context));
  const cellKeywords = claim(CELL_KINDS);
  const layerKeywords = claim(Object.entries(VOCABULARY.top).filter(([, rule]) => rule.store === 'append' && rule.property === 'body').map(([word]) => word));
  const blockKeywords = claim(keywords.filter(([, rule]) => rule.block !== undefined).map(([word]) => word));
  const optionKeywords = claim(keywords.map(([word]) => word));
  // Argument words are a second namespace: `input` is a block keyword and, after `dropout`, a site.
  taken.clear();
  const booleans = claim([True, False].map(tokenText));
  const connectors = claim(ALL_RULES.flatMap(argumentForms).flatMap((spec) => ('literal' in spec ? [spec.literal] : [])));
  const normKinds = claim(NORM_KINDS);
  const sites = claim(NORM_SITES);
  const presets = claim(PRESET_NAMES);
  // The JSON form tags each layer with its keyword (`"type": "lstm"`); in a `.seqnet` file those are keywords.
  const layerTags = new Set(Object.keys(VOCABULARY.top));
  const values = claim([...schemaWords(SPEC_SCHEMA).filter((word) => !layerTags.has(word)), ...usageWords()]);
  return { cellKeywords, layerKeywords, blockKeywords, optionKeywords, connectors, booleans, normKinds, sites, presets, values };
}

function tokenText(token: TokenType): string {
  const pattern = token.PATTERN;
  if (typeof pattern !== 'string') throw new Error(`token ${token.name} is not a fixed word`);
  return pattern;
}

function tokenRegex(token: TokenType): string {
  const pattern = token.PATTERN;
  if (!(pattern instanceof RegExp)) throw new Error(`token ${token.name} has no regular expression`);
  return pattern.source;
}

/** `\b(?:a|b)\b`, longest words first so that no word shadows a longer one that starts with it. */
function wordsRegex(words: readonly string[]): string {
  if (words.length === 0) throw new Error('an empty word list would match nothing');
  return `\\b(?:${[...words].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|')})\\b`;
}

const STATEMENT_END = '(?=[;{}#])|$';

function statementRule(words: readonly string[] | null, scope: string | null): TextMateRule {
  const rule: TextMateRule = { begin: words === null ? tokenRegex(Identifier) : `(${wordsRegex(words)})`, end: STATEMENT_END, patterns: [{ include: '#argument' }] };
  if (scope !== null) rule.beginCaptures = { '1': { name: `${scope}.seqnet` } };
  return rule;
}

function wordRule(words: readonly string[], scope: string): TextMateRule {
  return { match: wordsRegex(words), name: `${scope}.seqnet` };
}

/** The grammar as a JSON-ready object. */
export function buildGrammar(lists: WordLists = wordLists()): TextMateRule {
  const comment = tokenRegex(Comment);
  if (!comment.startsWith('#')) throw new Error(`the lexer's comment pattern no longer starts with '#': ${comment}`);
  return {
    $comment: 'Generated by scripts/vscode-grammar.ts from the language tables (npm run vscode:grammar); do not edit.',
    name: 'seqnet',
    scopeName: SCOPE_NAME,
    fileTypes: ['seqnet'],
    patterns: [{ include: '#comment' }, { include: '#punctuation' }, { include: '#statement' }, { include: '#argument' }],
    repository: {
      comment: { match: `(#)${comment.slice(1)}`, name: 'comment.line.number-sign.seqnet', captures: { '1': { name: 'punctuation.definition.comment.seqnet' } } },
      punctuation: {
        patterns: [
          { match: '\\{', name: 'punctuation.section.block.begin.seqnet' },
          { match: '\\}', name: 'punctuation.section.block.end.seqnet' },
          { match: ';', name: 'punctuation.terminator.statement.seqnet' },
        ],
      },
      statement: {
        patterns: [
          statementRule(lists.cellKeywords, 'storage.type.cell'),
          statementRule(lists.layerKeywords, 'keyword.other.layer'),
          statementRule(lists.blockKeywords, 'keyword.control.block'),
          statementRule(lists.optionKeywords, 'keyword.other.option'),
          // An unknown keyword (a typo the checker reports) still gets its arguments highlighted.
          statementRule(null, null),
        ],
      },
      argument: {
        patterns: [
          {
            match: tokenRegex(StringLiteral),
            name: 'string.quoted.double.seqnet',
            captures: { '0': { patterns: [{ match: '\\\\[^\\r\\n]', name: 'constant.character.escape.seqnet' }] } },
          },
          { match: tokenRegex(UnterminatedString), name: 'invalid.illegal.unterminated-string.seqnet' },
          { match: tokenRegex(NumberLiteral), name: 'constant.numeric.seqnet' },
          { match: tokenRegex(InvalidNumber), name: 'invalid.illegal.number.seqnet' },
          wordRule(lists.booleans, 'constant.language.boolean'),
          wordRule(lists.connectors, 'keyword.operator.word'),
          wordRule(lists.normKinds, 'support.type.norm'),
          wordRule(lists.sites, 'support.constant.site'),
          wordRule(lists.presets, 'support.constant.preset'),
          wordRule(lists.values, 'support.constant.value'),
          { match: tokenRegex(Identifier), name: 'variable.other.name.seqnet' },
        ],
      },
    },
  };
}

/** The file's text: two-space JSON with a final newline, as the repository's other JSON files. */
export function grammarText(): string {
  return `${JSON.stringify(buildGrammar(), null, 2)}\n`;
}
