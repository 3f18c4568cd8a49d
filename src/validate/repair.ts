/**
 * So that one run of `check` reports every independent error, the semantic checks also run when the JSON
 * Schema found errors: on a copy of the document with every schema-invalid value taken out. Each top-level
 * part of the spec (`input`, `body`, `heads`, `train`, `data`, …) that lost something is *tainted*, and a check
 * that reads a tainted part does not run, since what it would report could be a consequence of the removal
 * (a deleted `bidirectional` changes a width, a deleted layer shifts the default names).
 */
import type { ErrorObject } from 'ajv';
import { SyntaxCode } from '../ast/syntax-codes.js';
import type { StatementNode } from '../ast/types.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { suggest } from './did-you-mean.js';
import { getOwn } from './own.js';
import { childPointer } from './source-map.js';
import type { JsonValue } from './to-json.js';
import { VOCABULARY } from './vocabulary.js';

export type Part = 'seqnet' | 'model' | 'input' | 'body' | 'heads' | 'train' | 'data';

const PARTS: ReadonlySet<string> = new Set<Part>(['seqnet', 'model', 'input', 'body', 'heads', 'train', 'data']);

/** Stand-ins for required top-level parts that had to be taken out; the checks that read them do not run. */
const PLACEHOLDERS: { readonly [part: string]: JsonValue } = {
  seqnet: 1,
  model: 'model',
  input: { steps: 1, features: 1 },
  heads: [{ name: 'output', units: 1 }],
};

/** Each round takes out what the schema rejects; what that leaves incomplete goes in the next. Specs are shallow. */
const MAX_ROUNDS = 12;

/** Past this many syntax errors no semantic check runs (see taintFromConversion). */
const MAX_LOCATED_SYNTAX_ERRORS = 20;

const WRAPPERS = new Set(['oneOf', 'anyOf', 'if', 'then', 'else', 'allOf']);

export interface Repaired {
  document: JsonValue;
  tainted: Set<Part>;
}

/** The top-level part a pointer is in, or null (the root, or an unknown top-level key). */
export function partOf(pointer: string): Part | null {
  const first = decode(pointer.split('/')[1] ?? '');
  return PARTS.has(first) ? (first as Part) : null;
}

/**
 * A schema-valid copy of `document` and the parts that changed, or null when no such copy was found (the root
 * is not an object). `errorsOf` validates a document against the schema.
 */
export function repairDocument(document: JsonValue, errorsOf: (document: JsonValue) => readonly ErrorObject[], firstErrors: readonly ErrorObject[]): Repaired | null {
  const copy = structuredClone(document);
  const tainted = new Set<Part>();
  let errors = firstErrors;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (errors.length === 0) return { document: copy, tainted };
    const targets = new Set<string>();
    for (const error of errors) {
      if (WRAPPERS.has(error.keyword)) continue;
      const pointer = removalPointer(error);
      if (pointer === '') return null;
      for (const part of partsAffectedBy(pointer, error.keyword === 'additionalProperties')) tainted.add(part);
      targets.add(pointer);
    }
    for (const pointer of targets) takeOut(copy, pointer);
    compactArrays(copy);
    errors = errorsOf(copy);
  }
  return null;
}

/**
 * The parts that taking out `pointer` leaves uncertain. An unknown top-level statement may have been meant as a
 * layer or a head (`lsm 8`, `haed y { … }`), so it taints the body and the heads, and the part it resembles.
 */
function partsAffectedBy(pointer: string, unknownKey: boolean): Part[] {
  const part = partOf(pointer);
  if (part !== null) return [part];
  if (!unknownKey || pointer.split('/').length !== 2) return [];
  const resembled = suggest(decode(pointer.slice(1)), [...PARTS, 'head']);
  const parts: Part[] = ['body', 'heads'];
  if (resembled !== null && resembled !== 'head') parts.push(resembled as Part);
  return parts;
}

/** What to take out for an error: an unknown key, the object that lacks a required field, or the bad value. */
function removalPointer(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return childPointer(error.instancePath, (error.params as { additionalProperty: string }).additionalProperty);
  // A top-level part that is missing gets its placeholder.
  if (error.keyword === 'required' && error.instancePath === '') return childPointer('', (error.params as { missingProperty: string }).missingProperty);
  return error.instancePath;
}

function decode(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

type Container = { [key: string]: JsonValue } | (JsonValue | undefined)[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Deletes the value at `pointer` (an array item becomes `undefined` until compaction); top-level parts get a placeholder. */
function takeOut(document: JsonValue, pointer: string): void {
  const tokens = pointer.split('/').slice(1).map(decode);
  let parent: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    // An ancestor already taken out: nothing left to do.
    if (!isContainer(parent) || !Object.hasOwn(parent, token)) return;
    parent = (parent as Record<string, unknown>)[token];
  }
  const key = tokens[tokens.length - 1];
  if (!isContainer(parent)) return;
  if (Array.isArray(parent)) {
    parent[Number(key)] = undefined;
    return;
  }
  const placeholder = tokens.length === 1 ? getOwn(PLACEHOLDERS, key) : undefined;
  if (placeholder !== undefined) parent[key] = structuredClone(placeholder);
  else delete parent[key];
}

/** Drops the items `takeOut` emptied, walking the document with an explicit stack (no recursion on input depth). */
function compactArrays(document: JsonValue): void {
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (!isContainer(value)) continue;
    if (Array.isArray(value)) {
      let kept = 0;
      for (const item of value) if (item !== undefined) value[kept++] = item;
      value.length = kept;
      for (const item of value) stack.push(item);
    } else {
      for (const key of Object.keys(value)) stack.push(value[key]);
    }
  }
}

/** A top-level statement of a `.seqnet` file (recovered ones included) and the part it belongs to. */
export interface Section {
  part: Part | null;
  start: number;
  end: number;
  /** The parser recovered inside it, and conversion left it out. */
  recovered: boolean;
}

/** The sections of a parsed `.seqnet` file; a statement with an unknown keyword belongs to no part. */
export function sectionsOf(statements: readonly StatementNode[]): Section[] {
  return statements.map((statement) => {
    const rule = getOwn(VOCABULARY.top, statement.keyword);
    const part = rule === undefined ? null : partOf(childPointer('', rule.property ?? statement.keyword));
    return { part, start: statement.span.startOffset, end: statement.span.endOffset, recovered: statement.recovered };
  });
}

/**
 * Parts that syntax errors and unusable statements leave uncertain. A syntax error inside a statement taints
 * that statement's part, and so does a statement the parser recovered in (conversion leaves it out); a parse
 * error outside every statement may have swallowed one, so it taints everything (null). A stray character
 * outside every statement is dropped by the lexer; a statement it broke is a recovered one.
 */
export function taintFromConversion(diagnostics: readonly Diagnostic[], incomplete: ReadonlySet<string>, sections: readonly Section[]): Set<Part> | null {
  const tainted = new Set<Part>();
  for (const pointer of incomplete) {
    const part = partOf(pointer);
    if (part !== null) tainted.add(part);
  }
  for (const section of sections) {
    if (!section.recovered) continue;
    if (section.part === null) return null;
    tainted.add(section.part);
  }
  const syntax = diagnostics.filter((diagnostic) => diagnostic.code.startsWith('SN0'));
  // Past a handful of syntax errors the file is not a spec with a typo in it; nothing semantic is worth saying.
  if (syntax.length > MAX_LOCATED_SYNTAX_ERRORS) return null;
  for (const diagnostic of syntax) {
    const offset = diagnostic.span?.startOffset ?? -1;
    const section = sections.find((candidate) => candidate.start <= offset && offset < candidate.end);
    if (section === undefined && diagnostic.code === SyntaxCode.UnexpectedCharacter) continue;
    if (section === undefined || section.part === null) return null;
    tainted.add(section.part);
  }
  return tainted;
}
