/**
 * The front end's checking, free of Node's modules so editors and the browser playground can run it: spec text
 * (`.seqnet`, or `.seqnet.json` by file extension) → diagnostics and, when there are no errors, the ModelIR.
 * Stages: parse → JSON form → JSON Schema → lowering → semantic checks. index.ts adds reading files.
 */
import type { ErrorObject } from 'ajv';
import { parseSpec } from '../ast/index.js';
import { Code } from '../diagnostics/codes.js';
import { DiagnosticList } from '../diagnostics/list.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { lowerSpec } from '../ir/lower.js';
import type { ModelIR } from '../ir/types.js';
import { createContext, SEMANTIC_CHECKS } from './checks/index.js';
import { parseJsonSource } from './json-source.js';
import { repairDocument, sectionsOf, taintFromConversion, type Section } from './repair.js';
import { schemaDiagnostics } from './schema-errors.js';
import { schemaErrors } from './schema-validate.js';
import type { SpecForm } from './schema-errors.js';
import type { SpanMap } from './source-map.js';
import type { SpecJson } from '../ir/spec-json.js';
import { astToJson, type JsonValue } from './to-json.js';

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Null when there is any error; warnings do not block the IR. */
  ir: ModelIR | null;
}

export interface JsonForm {
  /** Undefined when the text could not be read as a spec at all (invalid JSON). */
  document: JsonValue | undefined;
  spans: SpanMap;
  diagnostics: Diagnostic[];
  form: SpecForm;
  incomplete: Set<string>;
  /** `.seqnet` only: the keywords each block allows, for suggestions. */
  keywords: Map<string, readonly string[]>;
  /** `.seqnet` only: where each top-level statement is, to tell which part a syntax error is in. */
  sections: Section[];
}

export function isJsonFile(fileName: string): boolean {
  return fileName.toLowerCase().endsWith('.json');
}

/** The JSON form of a spec, with spans, plus syntax and structure diagnostics found on the way. */
export function toJsonForm(source: string, fileName = '<input>'): JsonForm {
  if (isJsonFile(fileName)) {
    const parsed = parseJsonSource(source, fileName);
    return { document: parsed.value, spans: parsed.spans, diagnostics: parsed.diagnostics, form: 'json', incomplete: new Set(), keywords: new Map(), sections: [] };
  }
  const parsed = parseSpec(source, fileName);
  const converted = astToJson(parsed.ast);
  return {
    document: converted.document,
    spans: converted.spans,
    diagnostics: [...parsed.diagnostics, ...converted.diagnostics],
    form: 'seqnet',
    incomplete: converted.incomplete,
    keywords: converted.keywords,
    sections: sectionsOf(parsed.ast.statements),
  };
}

export function checkSpec(source: string, fileName = '<input>'): CheckResult {
  const jsonForm = toJsonForm(source, fileName);
  const diagnostics = new DiagnosticList(fileName);
  diagnostics.addAll(jsonForm.diagnostics);
  if (jsonForm.document === undefined) return { diagnostics: diagnostics.finish(), ir: null };
  const syntaxFailed = jsonForm.diagnostics.some((diagnostic) => diagnostic.code.startsWith('SN0'));
  const errors = schemaErrors(jsonForm.document);
  const context = { file: fileName, spans: jsonForm.spans, form: jsonForm.form, source, incomplete: jsonForm.incomplete, keywords: jsonForm.keywords };
  // After a syntax error the statements the parser skipped look missing; those reports would only be noise.
  const reported = schemaDiagnostics(errors, context).filter((diagnostic) => !syntaxFailed || diagnostic.code !== Code.MissingField);
  diagnostics.addAll(reported);
  const ir = runSemanticChecks(jsonForm, errors, diagnostics);
  return { diagnostics: diagnostics.finish(), ir: diagnostics.hasErrors() ? null : ir };
}

/**
 * Lowers the schema-valid part of the document and runs the semantic checks whose parts are intact (repair.ts),
 * so errors of both kinds come out of one run. Returns the IR (meaningful only when nothing was reported).
 */
function runSemanticChecks(jsonForm: JsonForm, errors: readonly ErrorObject[], diagnostics: DiagnosticList): ModelIR | null {
  const unsure = taintFromConversion(jsonForm.diagnostics, jsonForm.incomplete, jsonForm.sections);
  if (unsure === null || jsonForm.document === undefined) return null;
  const repaired = repairDocument(jsonForm.document, schemaErrors, errors);
  if (repaired === null) return null;
  const spec = repaired.document as unknown as SpecJson;
  const lowered = lowerSpec(spec);
  const tainted = new Set([...unsure, ...repaired.tainted]);
  const context = createContext(spec, lowered, jsonForm.spans, diagnostics);
  for (const { check, reads } of SEMANTIC_CHECKS) {
    if (reads.every((part) => !tainted.has(part))) check(context);
  }
  return lowered.ir;
}
