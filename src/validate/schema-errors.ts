/**
 * ajv errors → diagnostics. One diagnostic per JSON pointer (the most specific error wins), wrapper errors of
 * `oneOf`/`if` dropped, and each kind of error pointed at the right span: unknown keys at the key, bad values at
 * the value, missing fields at the header of the statement that should contain them.
 */
import type { ErrorObject } from 'ajv';
import { Code, type CodeValue } from '../diagnostics/codes.js';
import { createDiagnostic } from '../diagnostics/create.js';
import type { Diagnostic, SourceSpan } from '../diagnostics/types.js';
import { PRESET_NAMES } from '../ir/presets/index.js';
import { suggest, suggestionHint } from './did-you-mean.js';
import { childPointer, lastToken, parentPointer, spanAt, type SpanMap } from './source-map.js';

export type SpecForm = 'seqnet' | 'json';

export interface ErrorContext {
  file: string;
  spans: SpanMap;
  form: SpecForm;
  source: string;
  /** Statements already reported as malformed: missing-field errors for them or inside them are not repeated. */
  incomplete?: ReadonlySet<string>;
  /** The keywords each `.seqnet` block allows (the schema's property names are JSON names, not keywords). */
  keywords?: ReadonlyMap<string, readonly string[]>;
}

/** Lower ranks win when several errors concern the same pointer. */
const RANK: Record<string, number> = {
  discriminator: 0,
  additionalProperties: 1,
  required: 2,
  type: 3,
  enum: 4,
  pattern: 5,
  minimum: 6,
  maximum: 6,
  exclusiveMinimum: 6,
  exclusiveMaximum: 6,
};
const WRAPPERS = new Set(['oneOf', 'anyOf', 'if', 'then', 'else', 'allOf']);

export function schemaDiagnostics(errors: readonly ErrorObject[], context: ErrorContext): Diagnostic[] {
  const best = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue;
    if (error.keyword === 'required' && isIncomplete(error, context)) continue;
    const pointer = errorPointer(error);
    const current = best.get(pointer);
    if (current === undefined || rank(error) < rank(current)) best.set(pointer, error);
  }
  const diagnostics: Diagnostic[] = [];
  const misspelled = misspelledFields(best, context);
  for (const [pointer, error] of best) {
    // A discriminator error on an item makes every error beneath it noise.
    if (error.keyword !== 'discriminator' && hasDiscriminatorAbove(pointer, best)) continue;
    // `imput { … }` is one mistake: the unknown 'imput' (whose hint says 'input') is reported, 'input' missing is not.
    if (error.keyword === 'required' && misspelled.has(pointer)) continue;
    diagnostics.push(toDiagnostic(error, pointer, context));
  }
  return diagnostics;
}

/**
 * Pointers of missing fields that an unknown key next to them is a typo of. In `.seqnet` text the key is a
 * statement keyword, which may be the singular of the field (`head` → `heads`).
 */
function misspelledFields(best: ReadonlyMap<string, ErrorObject>, context: ErrorContext): Set<string> {
  const fields = new Set<string>();
  const lacking = new Set([...best.values()].filter((error) => error.keyword === 'required').map((error) => error.instancePath));
  for (const [pointer, error] of best) {
    if (error.keyword !== 'additionalProperties') continue;
    const parent = parentPointer(pointer) ?? '';
    if (!lacking.has(parent)) continue;
    const properties = Object.keys((error.parentSchema as Schema | undefined)?.properties ?? {});
    const suggestion = suggest(lastToken(pointer), context.keywords?.get(parent) ?? properties);
    if (suggestion === null) continue;
    fields.add(childPointer(parent, suggestion));
    fields.add(childPointer(parent, `${suggestion}s`));
  }
  return fields;
}

function isIncomplete(error: ErrorObject, context: ErrorContext): boolean {
  const incomplete = context.incomplete;
  return incomplete !== undefined && (incomplete.has(error.instancePath) || incomplete.has(errorPointer(error)));
}

function rank(error: ErrorObject): number {
  return RANK[error.keyword] ?? 9;
}

function errorPointer(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return childPointer(error.instancePath, (error.params as { additionalProperty: string }).additionalProperty);
  if (error.keyword === 'required') return childPointer(error.instancePath, (error.params as { missingProperty: string }).missingProperty);
  return error.instancePath;
}

function hasDiscriminatorAbove(pointer: string, best: Map<string, ErrorObject>): boolean {
  for (let current = parentPointer(pointer); current !== null; current = parentPointer(current)) {
    if (best.get(current)?.keyword === 'discriminator') return true;
  }
  return false;
}

type Schema = { description?: string; properties?: Record<string, unknown>; oneOf?: unknown[] };

function toDiagnostic(error: ErrorObject, pointer: string, context: ErrorContext): Diagnostic {
  const make = (code: CodeValue, message: string, span: SourceSpan | null, hint?: string): Diagnostic =>
    createDiagnostic(code, message, context.file, span, hint);
  const schema = (error.parentSchema ?? {}) as Schema;
  const field = fieldName(pointer) || 'the spec';
  const valueSpan = spanAt(context.spans, pointer, 'value');
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownField(pointer, schema, context);
    case 'required':
      return missingField(error, field, schema, context);
    case 'discriminator':
      return unknownTag(error, pointer, schema, context);
    case 'enum':
      return make(Code.InvalidValue, `invalid value '${String(error.data)}' for '${field}'`, valueSpan, enumHint(error, field));
    case 'type':
      return make(Code.WrongType, `'${field}' must be ${typeWords(error.params as { type: string | string[] })}, not ${describeValue(error.data)}`, valueSpan, schema.description);
    case 'pattern':
      return make(Code.InvalidValue, `invalid value ${describeValue(error.data)} for '${field}'`, valueSpan, schema.description);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return make(Code.OutOfRange, `${describeValue(error.data)} is out of range for '${field}'`, valueSpan, rangeHint(schema as Record<string, unknown>));
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const repeated = spanAt(context.spans, childPointer(pointer, Math.max(i, j)), 'value');
      return make(Code.InvalidShape, `'${field}' lists ${describeValue((error.data as unknown[])[i])} twice`, repeated, 'remove the repeat');
    }
    case 'maxLength':
    case 'minLength':
    case 'minItems':
      return make(Code.InvalidShape, `'${field}' must have ${limitWords(error)}`, valueSpan, schema.description);
    default:
      return make(Code.InvalidShape, `'${field}' ${error.message ?? 'is invalid'}`, valueSpan, schema.description);
  }
}

function missingField(error: ErrorObject, field: string, schema: Schema, context: ErrorContext): Diagnostic {
  const what = context.form === 'seqnet' ? 'statement' : 'field';
  const owner = ownerName(error.instancePath, context);
  const inOwner = owner === '' ? '' : ` in '${owner}'`;
  const hint = field === 'seqnet' && context.form === 'seqnet' ? 'start the file with `seqnet 1`' : `add '${field}'${describe(schema.properties?.[field])}`;
  const span = spanAt(context.spans, error.instancePath, 'header');
  return createDiagnostic(Code.MissingField, `missing required ${what} '${field}'${inOwner}`, context.file, span, hint);
}

/** A tagged union (`body` item, optimizer, schedule, source) whose `type` matches no branch. */
function unknownTag(error: ErrorObject, pointer: string, schema: Schema, context: ErrorContext): Diagnostic {
  const tags = (schema.oneOf ?? []).flatMap((branch) => tagValues(branch));
  const tagValue = (error.params as { tagValue: unknown }).tagValue;
  if (typeof tagValue !== 'string') {
    return createDiagnostic(Code.MissingField, "missing 'type'", context.file, spanAt(context.spans, pointer, 'header'), `one of: ${tags.join(', ')}`);
  }
  const span = spanAt(context.spans, childPointer(pointer, 'type'), 'value');
  return createDiagnostic(Code.InvalidValue, `unknown type '${tagValue}'`, context.file, span, suggestionHint(tagValue, tags));
}

function enumHint(error: ErrorObject, field: string): string {
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
  const value = String(error.data);
  // `norm ba2016` between layers: presets only exist inside a cell.
  if (field === 'kind' && PRESET_NAMES.includes(value)) return `'${value}' is a preset; presets go inside a recurrent layer: lstm 32 { norm ${value} }`;
  return suggestionHint(value, allowed);
}

/** "at most 1 character", "at least 1 entry". */
function limitWords(error: ErrorObject): string {
  const limit = (error.params as { limit: number }).limit;
  const bound = error.keyword === 'maxLength' ? 'at most' : 'at least';
  const noun = error.keyword === 'minItems' ? (limit === 1 ? 'entry' : 'entries') : limit === 1 ? 'character' : 'characters';
  return `${bound} ${limit} ${noun}`;
}

function unknownField(pointer: string, schema: Schema, context: ErrorContext): Diagnostic {
  const key = lastToken(pointer);
  const span = spanAt(context.spans, pointer, 'key');
  const allowed = allowedKeys(pointer, schema, context);
  const written = span === null ? key : context.source.slice(span.startOffset, span.endOffset);
  const owner = ownerName(parentPointer(pointer) ?? '', context);
  const where = owner === '' ? '' : ` in '${owner}'`;
  // A field built from a positional argument (`dropout recurrent 0.1 per_step` → mask) is reported as that argument.
  if (context.form === 'seqnet' && written !== key) {
    return createDiagnostic(Code.UnknownField, `unexpected argument '${written}'${where}`, context.file, span, `'${key}' is not allowed here`);
  }
  const what = context.form === 'seqnet' ? 'statement' : 'field';
  const branch = branchName(schema);
  if (branch !== null && context.keywords?.get(parentPointer(pointer) ?? '')?.includes(key) === true) {
    // A field of another branch (`beta1` under `optimizer sgd`): "did you mean 'beta1'" would not help.
    const hint = `'${key}' belongs to another ${owner === '' ? 'type' : `${owner} type`}; ${branch} takes: ${allowed.join(', ')}`;
    const inBranch = owner === '' ? '' : ` in '${owner} ${branch}'`;
    return createDiagnostic(Code.UnknownField, `unknown ${what} '${key}'${inBranch}`, context.file, span, hint);
  }
  return createDiagnostic(Code.UnknownField, `unknown ${what} '${key}'${where}`, context.file, span, suggestionHint(key, allowed, 'allowed here'));
}

/**
 * The keys to offer beside an unknown one: the block's keywords, narrowed to the branch's own fields when the
 * block is one branch of a tagged union (`optimizer sgd { … }` lists the fields of every optimizer in the
 * vocabulary, but takes only sgd's).
 */
function allowedKeys(pointer: string, schema: Schema, context: ErrorContext): string[] {
  const properties = Object.keys(schema.properties ?? {});
  const keywords = context.keywords?.get(parentPointer(pointer) ?? '');
  if (keywords === undefined) return properties.filter((name) => name !== 'type');
  if (branchName(schema) === null) return [...keywords];
  return keywords.filter((keyword) => properties.includes(keyword));
}

/** The tag of a tagged union's branch (`sgd` for the sgd optimizer's schema), or null for any other schema. */
function branchName(schema: Schema): string | null {
  const properties = (schema.properties ?? {}) as Record<string, Schema | undefined>;
  const tag = (properties.type as { enum?: unknown } | undefined)?.enum;
  return Array.isArray(tag) && tag.length === 1 && typeof tag[0] === 'string' ? tag[0] : null;
}

/** The block a pointer is in, as the user wrote it: the statement keyword in `.seqnet` text, the key in JSON. */
function ownerName(pointer: string, context: ErrorContext): string {
  if (pointer === '') return '';
  const key = context.spans.get(pointer)?.key;
  if (context.form === 'seqnet' && key !== undefined && key !== null) return context.source.slice(key.startOffset, key.endOffset);
  return fieldName(pointer);
}

/** The name a pointer stands for: its last key, or for an array item the array's key. */
function fieldName(pointer: string): string {
  let current: string | null = pointer;
  while (current !== null && current !== '' && /^\d+$/.test(lastToken(current))) current = parentPointer(current);
  return current === null || current === '' ? '' : lastToken(current);
}

function tagValues(branch: unknown): string[] {
  const type = (branch as { properties?: { type?: { enum?: string[] } } }).properties?.type;
  return type?.enum ?? [];
}

function describe(schema: unknown): string {
  const description = (schema as { description?: string } | undefined)?.description;
  return description === undefined ? '' : ` (${description.replace(/\.$/, '').toLowerCase()})`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a block';
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a word or string',
  boolean: 'true or false',
  object: 'a block',
  array: 'a list',
};

/** "a whole number or a word or string"; the hint (the field's description) says which word. */
function typeWords(params: { type: string | string[] }): string {
  const types = Array.isArray(params.type) ? params.type : [params.type];
  return types.map((type) => TYPE_WORDS[type] ?? type).join(' or ');
}

function rangeHint(schema: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof schema.minimum === 'number') parts.push(`≥ ${schema.minimum}`);
  if (typeof schema.exclusiveMinimum === 'number') parts.push(`> ${schema.exclusiveMinimum}`);
  if (typeof schema.maximum === 'number') parts.push(`≤ ${schema.maximum}`);
  if (typeof schema.exclusiveMaximum === 'number') parts.push(`< ${schema.exclusiveMaximum}`);
  const whole = schema.type === 'integer' ? 'a whole number ' : '';
  return `must be ${whole}${parts.join(' and ')}`;
}
