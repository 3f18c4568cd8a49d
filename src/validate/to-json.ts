/**
 * AST → JSON form. Interprets the vocabulary tables: each statement becomes a property, an object or an array
 * element, and every key and value gets its source span in a pointer map. Unknown keywords are kept (the
 * schema then reports them at the keyword with a did-you-mean); argument-count problems, repeated statements
 * and misplaced blocks are reported here, because the JSON form can no longer see them.
 */
import type { ArgumentNode, SpecAst, StatementNode } from '../ast/types.js';
import { Code, type CodeValue } from '../diagnostics/codes.js';
import { createDiagnostic } from '../diagnostics/create.js';
import { spanFromTo } from '../diagnostics/spans.js';
import type { Diagnostic, SourceSpan } from '../diagnostics/types.js';
import { suggestionHint } from './did-you-mean.js';
import { getOwn, setOwn } from './own.js';
import { childPointer, type SpanMap } from './source-map.js';
import { VOCABULARY, type ArgSpec, type ContextName, type StatementRule } from './vocabulary.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonFormResult {
  document: JsonObject;
  spans: SpanMap;
  diagnostics: Diagnostic[];
  /**
   * Pointers of statements already reported as malformed (bad arguments, or a missing block): "missing field"
   * errors for them, or inside them, would repeat that report.
   */
  incomplete: Set<string>;
  /** For each block's pointer, the keywords its context allows: the candidates for "did you mean". */
  keywords: Map<string, readonly string[]>;
}

interface Converter {
  file: string;
  spans: SpanMap;
  diagnostics: Diagnostic[];
  incomplete: Set<string>;
  keywords: Map<string, readonly string[]>;
}

export function astToJson(ast: SpecAst): JsonFormResult {
  const converter: Converter = { file: ast.file, spans: new Map(), diagnostics: [], incomplete: new Set(), keywords: new Map() };
  const statements = ast.statements.filter((statement) => !statement.recovered);
  const first = statements[0];
  converter.spans.set('', { key: null, value: ast.span, header: first === undefined ? startOf(ast.span) : headerSpan(first) });
  const document: JsonObject = {};
  convertBlock(converter, statements, 'top', document, '');
  checkVersionFirst(converter, statements);
  return { document, spans: converter.spans, diagnostics: converter.diagnostics, incomplete: converter.incomplete, keywords: converter.keywords };
}

/** The keyword and arguments of a statement, without its block. */
export function headerSpan(statement: StatementNode): SourceSpan {
  const last = statement.args[statement.args.length - 1];
  return last === undefined ? statement.keywordSpan : spanFromTo(statement.keywordSpan, last.span);
}

function startOf(span: SourceSpan): SourceSpan {
  return { ...span, endOffset: span.startOffset, endLine: span.startLine, endColumn: span.startColumn };
}

function report(converter: Converter, code: CodeValue, message: string, span: SourceSpan | null, hint?: string): void {
  converter.diagnostics.push(createDiagnostic(code, message, converter.file, span, hint));
}

function checkVersionFirst(converter: Converter, statements: readonly StatementNode[]): void {
  const version = statements.find((statement) => statement.keyword === 'seqnet');
  if (version !== undefined && statements[0] !== version) {
    report(converter, Code.VersionNotFirst, '`seqnet` must be the first statement', headerSpan(version), 'move `seqnet 1` to the top of the file');
  }
}

function convertBlock(converter: Converter, statements: readonly StatementNode[], context: ContextName, target: JsonObject, pointer: string): void {
  converter.keywords.set(pointer, Object.keys(VOCABULARY[context]));
  for (const statement of statements) {
    if (statement.recovered) continue;
    const rule = getOwn(VOCABULARY[context], statement.keyword);
    if (rule === undefined) convertUnknown(converter, statement, target, pointer, context);
    else convertKnown(converter, statement, rule, target, pointer);
  }
}

/** Kept as-is so the schema reports the unknown key at the keyword, with the block context's known keys. */
function convertUnknown(converter: Converter, statement: StatementNode, target: JsonObject, pointer: string, context: ContextName): void {
  if (Object.hasOwn(target, statement.keyword)) {
    // The key is taken (by an argument such as a head's name, or an earlier unknown statement): report it here.
    const hint = suggestionHint(statement.keyword, Object.keys(VOCABULARY[context]), 'allowed here');
    report(converter, Code.UnknownField, `unknown statement '${statement.keyword}'`, statement.keywordSpan, hint);
    return;
  }
  const child = childPointer(pointer, statement.keyword);
  let value: JsonValue = statement.args.length === 0 ? true : statement.args.length === 1 ? argValue(statement.args[0]) : statement.args.map(argValue);
  if (statement.block !== null) value = {};
  setOwn(target, statement.keyword, value);
  converter.spans.set(child, { key: statement.keywordSpan, value: statement.span, header: headerSpan(statement) });
}

function convertKnown(converter: Converter, statement: StatementNode, rule: StatementRule, target: JsonObject, pointer: string): void {
  const property = rule.property ?? statement.keyword;
  // A misplaced or missing block is reported, and the statement is still converted (its block ignored) so that
  // nothing downstream reports it as missing.
  const blockFits = checkBlock(converter, statement, rule);
  const specs = typeof rule.args === 'function' ? rule.args(statement.args) : rule.args;
  if (rule.store === 'keyed') {
    convertKeyed(converter, statement, rule, specs, target, pointer, property);
    return;
  }
  const child = childPointer(pointer, property);
  // One report per statement: after a block error, argument errors are not reported too.
  const named = matchArguments(blockFits ? converter : { ...converter, diagnostics: [] }, statement, rule, specs);
  if (named === null) {
    // The statement is there but unusable; the schema must not also call it missing.
    converter.incomplete.add(child);
    return;
  }
  if (rule.store === 'value') {
    if (isDuplicate(converter, statement, target, property, child)) return;
    const entry = named[0];
    target[property] = entry === undefined ? (rule.implicit ?? true) : entryValue(entry);
    const valueSpan = entry === undefined ? statement.keywordSpan : entrySpan(entry);
    converter.spans.set(child, { key: statement.keywordSpan, value: valueSpan, header: headerSpan(statement) });
    if (entry !== undefined) recordListItems(converter, entry, child);
    return;
  }
  const object: JsonObject = {};
  let objectPointer = child;
  if (rule.store === 'append') {
    const array = ensureArray(converter, statement, target, property, child);
    objectPointer = childPointer(child, array.length);
    array.push(object);
  } else if (isDuplicate(converter, statement, target, property, child)) {
    return;
  } else {
    target[property] = object;
  }
  converter.spans.set(objectPointer, { key: statement.keywordSpan, value: statement.span, header: headerSpan(statement) });
  if (!blockFits) converter.incomplete.add(objectPointer);
  if (rule.tag === true) {
    object.type = statement.keyword;
    const tagPointer = childPointer(objectPointer, 'type');
    converter.spans.set(tagPointer, { key: statement.keywordSpan, value: statement.keywordSpan, header: statement.keywordSpan });
  }
  setNamed(converter, named, object, objectPointer);
  if (blockFits && statement.block !== null && rule.block !== undefined) convertBlock(converter, statement.block, rule.block, object, objectPointer);
}

function convertKeyed(
  converter: Converter,
  statement: StatementNode,
  rule: StatementRule,
  specs: ArgSpec[],
  target: JsonObject,
  pointer: string,
  property: string,
): void {
  const [key, ...rest] = statement.args;
  if (key === undefined || key.kind !== 'identifier') {
    report(converter, Code.WrongArguments, `'${statement.keyword}' expects: ${statement.keyword} ${rule.usage}`, key?.span ?? headerSpan(statement));
    return;
  }
  const named = matchArguments(converter, { ...statement, args: rest }, rule, specs);
  if (named === null) return;
  const containerPointer = childPointer(pointer, property);
  let container = target[property];
  if (container === undefined || typeof container !== 'object' || container === null || Array.isArray(container)) {
    container = {};
    target[property] = container;
    converter.spans.set(containerPointer, { key: statement.keywordSpan, value: statement.span, header: headerSpan(statement) });
  }
  const child = childPointer(containerPointer, key.value as string);
  if (isDuplicate(converter, statement, container, key.value as string, child)) return;
  const header = headerSpan(statement);
  const valueSpan = rest.length === 0 ? key.span : spanFromTo(rest[0].span, rest[rest.length - 1].span);
  converter.spans.set(child, { key: key.span, value: valueSpan, header });
  if (rule.keyedValue === true) {
    const entry = named[0];
    setOwn(container, key.value as string, entry === undefined ? true : entryValue(entry));
    return;
  }
  const object: JsonObject = {};
  setOwn(container, key.value as string, object);
  setNamed(converter, named, object, child);
}

type NamedEntry = { name: string; arg: ArgumentNode } | { name: string; list: ArgumentNode[] };

function entryValue(entry: NamedEntry): JsonValue {
  return 'arg' in entry ? argValue(entry.arg) : entry.list.map(argValue);
}

function entrySpan(entry: NamedEntry): SourceSpan {
  return 'arg' in entry ? entry.arg.span : spanFromTo(entry.list[0].span, entry.list[entry.list.length - 1].span);
}

function recordListItems(converter: Converter, entry: NamedEntry, pointer: string): void {
  if (!('list' in entry)) return;
  entry.list.forEach((arg, index) => converter.spans.set(childPointer(pointer, index), { key: arg.span, value: arg.span, header: arg.span }));
}

function setNamed(converter: Converter, named: NamedEntry[], object: JsonObject, pointer: string): void {
  for (const entry of named) {
    const child = childPointer(pointer, entry.name);
    object[entry.name] = entryValue(entry);
    const span = entrySpan(entry);
    converter.spans.set(child, { key: span, value: span, header: span });
    recordListItems(converter, entry, child);
  }
}

function argValue(arg: ArgumentNode): JsonValue {
  return arg.value;
}

/**
 * Names the positional arguments by the rule's specs; null (after reporting) when they do not fit.
 */
function matchArguments(converter: Converter, statement: StatementNode, rule: StatementRule, specs: ArgSpec[]): NamedEntry[] | null {
  const args = statement.args;
  const named: NamedEntry[] = [];
  const usage = `${statement.keyword} ${rule.usage}`;
  let index = 0;
  for (const spec of specs) {
    if ('literal' in spec) {
      const word = args[index];
      const present = word !== undefined && word.kind === 'identifier' && word.value === spec.literal;
      if (!present) {
        if (spec.required !== true) continue;
        report(converter, Code.WrongArguments, `expected '${spec.literal}' here`, word?.span ?? headerSpan(statement), `usage: ${usage}`);
        return null;
      }
      const values = spec.rest === true ? args.slice(index + 1) : args.slice(index + 1, index + 2);
      if (values.length === 0) {
        report(converter, Code.WrongArguments, `'${spec.literal}' must be followed by a value`, word.span, `usage: ${usage}`);
        return null;
      }
      named.push(spec.rest === true ? { name: spec.name, list: values } : { name: spec.name, arg: values[0] });
      index += 1 + values.length;
    } else if ('rest' in spec) {
      const values = args.slice(index);
      if (values.length === 0) {
        report(converter, Code.WrongArguments, `'${statement.keyword}' needs at least one value`, headerSpan(statement), `usage: ${usage}`);
        return null;
      }
      named.push({ name: spec.name, list: values });
      index = args.length;
    } else if (index < args.length) {
      named.push({ name: spec.name, arg: args[index] });
      index += 1;
    } else if (spec.optional !== true) {
      report(converter, Code.WrongArguments, `'${statement.keyword}' is missing its ${spec.name.replace(/_/g, ' ')}`, headerSpan(statement), `usage: ${usage}`);
      return null;
    }
  }
  if (index < args.length) {
    const extra = args.slice(index);
    const span = spanFromTo(extra[0].span, extra[extra.length - 1].span);
    report(converter, Code.WrongArguments, `too many arguments for '${statement.keyword}'`, span, `usage: ${usage}`);
    return null;
  }
  return named;
}

/** Whether the statement's block (or lack of one) fits the rule; reports when it does not. */
function checkBlock(converter: Converter, statement: StatementNode, rule: StatementRule): boolean {
  if (statement.block !== null && rule.block === undefined) {
    report(converter, Code.BlockMismatch, `'${statement.keyword}' does not take a block`, statement.blockSpan ?? statement.span, `usage: ${statement.keyword} ${rule.usage}`);
    return false;
  }
  if (statement.block === null && rule.blockRequired === true) {
    report(converter, Code.BlockMismatch, `'${statement.keyword}' needs a block`, headerSpan(statement), `usage: ${statement.keyword} ${rule.usage}`);
    return false;
  }
  return true;
}

function isDuplicate(converter: Converter, statement: StatementNode, target: JsonObject, property: string, pointer: string): boolean {
  if (!Object.hasOwn(target, property)) return false;
  const first = converter.spans.get(pointer)?.header;
  const where = first === undefined ? '' : ` (first given on line ${first.startLine})`;
  const name = statementName(statement);
  const diagnostic = createDiagnostic(Code.DuplicateStatement, `'${name}' is given more than once${where}`, converter.file, headerSpan(statement), 'remove one of them');
  if (first !== undefined) diagnostic.related = [{ message: `'${name}' is first given here`, span: first }];
  converter.diagnostics.push(diagnostic);
  return true;
}

function statementName(statement: StatementNode): string {
  const key = statement.args[0];
  const keyed = key !== undefined && key.kind === 'identifier' && ['dropout', 'zoneout', 'initial_noise', 'initializer', 'clip'].includes(statement.keyword);
  return keyed ? `${statement.keyword} ${String(key.value)}` : statement.keyword;
}

function ensureArray(converter: Converter, statement: StatementNode, target: JsonObject, property: string, pointer: string): JsonValue[] {
  const existing = target[property];
  if (Array.isArray(existing)) return existing;
  const array: JsonValue[] = [];
  target[property] = array;
  converter.spans.set(pointer, { key: statement.keywordSpan, value: statement.span, header: headerSpan(statement) });
  return array;
}
