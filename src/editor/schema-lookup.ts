/**
 * The schema behind a statement: which JSON Schema node a block's statements write into and which node each
 * argument fills, following the vocabulary's storage rules (to-json.ts). Completion and hover read enum values
 * and descriptions from here, so they list exactly what the checker accepts.
 */
import type { ArgumentNode } from '../ast/types.js';
import { SPEC_SCHEMA } from '../validate/schema.js';
import type { Schema } from '../validate/schema-helpers.js';
import { VOCABULARY, type ArgSpec, type ContextName, type StatementRule } from '../validate/vocabulary.js';
import type { StatementHeader } from './cursor.js';

export function ruleOf(context: ContextName, keyword: string): StatementRule | undefined {
  return Object.hasOwn(VOCABULARY[context], keyword) ? VOCABULARY[context][keyword] : undefined;
}

function asSchema(value: unknown): Schema | undefined {
  return value !== null && typeof value === 'object' ? (value as Schema) : undefined;
}

export function propertyOf(schema: Schema | undefined, name: string): Schema | undefined {
  const properties = asSchema(schema?.properties);
  return properties !== undefined && Object.hasOwn(properties, name) ? asSchema(properties[name]) : undefined;
}

function branches(schema: Schema | undefined): Schema[] {
  return Array.isArray(schema?.oneOf) ? schema.oneOf.flatMap((branch: unknown) => {
        const node = asSchema(branch);
        return node === undefined ? [] : [node];
      }) : [];
}

/** A tagged union's branch whose `type` is `tag`, or undefined. */
function branchOf(schema: Schema | undefined, tag: string): Schema | undefined {
  return branches(schema).find((branch) => wordsOf(propertyOf(branch, 'type')).includes(tag));
}

/** The words a value may be: its enum, `true`/`false`, a one-word pattern (`variable`, `none`), a list's items, a union's tags. */
export function wordsOf(schema: Schema | undefined): string[] {
  if (schema === undefined) return [];
  if (Array.isArray(schema.enum)) return schema.enum.map(String);
  const words: string[] = [];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('boolean')) words.push('true', 'false');
  const word = typeof schema.pattern === 'string' ? /^\^(\w+)\$$/.exec(schema.pattern) : null;
  if (word !== null) words.push(word[1]);
  if (types.includes('array')) words.push(...wordsOf(asSchema(schema.items)));
  for (const branch of branches(schema)) words.push(...wordsOf(propertyOf(branch, 'type')));
  return words;
}

export function descriptionOf(schema: Schema | undefined): string {
  return typeof schema?.description === 'string' ? schema.description : '';
}

/** The schema node that the statement `header` (in a block whose node is `parent`) writes. */
export function statementSchema(parent: Schema | undefined, rule: StatementRule, header: StatementHeader): Schema | undefined {
  let schema = propertyOf(parent, rule.property ?? header.keyword);
  if (rule.store === 'append') schema = asSchema(schema?.items);
  if (branches(schema).length === 0) return schema;
  const tag = rule.tag === true ? header.keyword : (header.args[0] ?? '');
  return branchOf(schema, tag) ?? schema;
}

/** The schema node of the innermost block's object, following the blocks from the spec's root. */
export function blockSchema(blocks: readonly StatementHeader[]): Schema | undefined {
  let context: ContextName | undefined = 'top';
  let schema: Schema | undefined = SPEC_SCHEMA;
  for (const block of blocks) {
    const rule: StatementRule | undefined = context === undefined ? undefined : ruleOf(context, block.keyword);
    if (rule === undefined) return undefined;
    schema = statementSchema(schema, rule, block);
    context = rule.block;
  }
  return schema;
}

/** Source words as argument nodes, for the vocabulary's rules whose arguments depend on what is written. */
function asArgumentNodes(words: readonly string[]): ArgumentNode[] {
  const span = { startOffset: 0, endOffset: 0, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  return words.map((word) => ({ kind: 'identifier', value: word, raw: word, span }));
}

export type ExpectedArgument = { literal: string } | { name: string } | null;

/**
 * What the next argument of a statement is, after `written`: a literal word (`at`, `x`), a named value, or
 * nothing more. Mirrors how to-json.ts assigns positional, rest and `WORD value` arguments.
 */
export function expectedArgument(rule: StatementRule, written: readonly string[]): ExpectedArgument {
  // One more (placeholder) argument: rules that look at the count describe the statement being completed.
  const specs: ArgSpec[] = typeof rule.args === 'function' ? rule.args(asArgumentNodes([...written, ''])) : rule.args;
  let index = 0;
  for (const spec of specs) {
    if ('literal' in spec) {
      if (index === written.length) return { literal: spec.literal };
      if (written[index] !== spec.literal) return null;
      index++;
    }
    if (index === written.length || ('rest' in spec && spec.rest === true)) return { name: spec.name };
    index++;
  }
  return null;
}

/**
 * The schema node of the next argument of a statement, or undefined. `keyed` statements (`dropout input 0.1`)
 * take a key first (the words are the object's property names), then the key's value.
 */
export function argumentSchema(statementNode: Schema | undefined, rule: StatementRule, written: readonly string[]): ArgumentSchema {
  if (rule.store === 'keyed') {
    if (written.length === 0) return { keys: Object.keys(asSchema(statementNode?.properties) ?? {}) };
    const keyNode = propertyOf(statementNode, written[0]);
    if (rule.keyedValue === true) return { node: written.length === 1 ? keyNode : undefined };
    const expected = expectedArgument(rule, written.slice(1));
    return { node: expected !== null && 'name' in expected ? propertyOf(keyNode, expected.name) : undefined };
  }
  const expected = expectedArgument(rule, written);
  if (expected === null || !('name' in expected)) return { node: undefined };
  if (rule.store === 'value') return { node: statementNode };
  // A tagged union's tag before its branch is known: the union itself, whose words are every branch's tag.
  return { node: propertyOf(statementNode, expected.name) ?? (expected.name === 'type' ? statementNode : undefined) };
}

/** A keyed statement's possible keys, or the schema node of an argument's value. */
export type ArgumentSchema = { keys: string[] } | { node: Schema | undefined };
