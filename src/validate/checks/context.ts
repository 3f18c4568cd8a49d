/** What a semantic check sees (the JSON form, its spans, the lowered IR) and how it reports. */
import type { CodeValue } from '../../diagnostics/codes.js';
import { createDiagnostic } from '../../diagnostics/create.js';
import type { DiagnosticList } from '../../diagnostics/list.js';
import type { LoweredSpec } from '../../ir/lower.js';
import type { ModelIR } from '../../ir/types.js';
import { isCellKind } from '../../variants/index.js';
import { spanAt, type SpanMap, type SpanRole } from '../source-map.js';
import type { BodyItemJson, RecurrentJson, SpecJson } from '../../ir/spec-json.js';

export interface CheckContext {
  spec: SpecJson;
  ir: ModelIR;
  origins: LoweredSpec['origins'];
  /** Report at the span of `role` at `pointer` (or its nearest ancestor with spans). */
  report(code: CodeValue, message: string, pointer: string, role: SpanRole, hint?: string, related?: RelatedPointer): void;
}

/** A second place a diagnostic concerns, by pointer (see Diagnostic.related). */
export interface RelatedPointer {
  pointer: string;
  role: SpanRole;
  message: string;
}

export type Check = (context: CheckContext) => void;

export function createContext(spec: SpecJson, lowered: LoweredSpec, spans: SpanMap, diagnostics: DiagnosticList): CheckContext {
  return {
    spec,
    ir: lowered.ir,
    origins: lowered.origins,
    report(code, message, pointer, role, hint, related) {
      const diagnostic = createDiagnostic(code, message, diagnostics.file, spanAt(spans, pointer, role), hint);
      const relatedSpan = related === undefined ? null : spanAt(spans, related.pointer, related.role);
      if (related !== undefined && relatedSpan !== null) diagnostic.related = [{ message: related.message, span: relatedSpan }];
      diagnostics.add(diagnostic);
    },
  };
}

/** The recurrent layers of the body with their pointers. */
export function recurrentItems(spec: SpecJson): { item: RecurrentJson; pointer: string }[] {
  return (spec.body ?? []).flatMap((item, index) => (isRecurrent(item) ? [{ item, pointer: `/body/${index}` }] : []));
}

function isRecurrent(item: BodyItemJson): item is RecurrentJson {
  return isCellKind(item.type);
}
