/**
 * The compiled view of a valid document for hovers: which IR layers and head each body item and head of the
 * source became (the lowering's origins), with their `seqnet explain` sections and `seqnet summary` rows.
 */
import type { SourceSpan } from '../diagnostics/types.js';
import { modelSections, type Section } from '../explain/sections.js';
import { summarizeModel, type SummaryRow } from '../explain/summary.js';
import { lowerSpec } from '../ir/lower.js';
import type { SpecJson } from '../ir/spec-json.js';
import { checkSpec, toJsonForm } from '../validate/check.js';

export interface ModelPart {
  section: Section;
  /** Null where the summary has no row of that name. */
  row: SummaryRow | null;
}

export interface ModelView {
  /** The parts a source item became, by the start offset of its statement (a stack `x N` becomes N layers). */
  partsAt(statementStart: number): ModelPart[];
}

/** The view of `text`, or null when it does not check (no IR) or cannot be planned. */
export function modelView(text: string, fileName: string): ModelView | null {
  const { ir } = checkSpec(text, fileName);
  const form = toJsonForm(text, fileName);
  if (ir === null || form.document === undefined) return null;
  let sections: Section[];
  let rows: SummaryRow[];
  try {
    sections = modelSections(ir);
    rows = summarizeModel(ir).rows;
  } catch {
    // The planner refuses a few IRs the front end lets through (a CompileError); there is then nothing to show.
    return null;
  }
  const { origins } = lowerSpec(form.document as unknown as SpecJson);
  const rowNamed = (name: string) => rows.find((row) => row.name === name) ?? null;
  const parts = new Map<string, ModelPart[]>();
  const add = (pointer: string, part: ModelPart) => parts.set(pointer, [...(parts.get(pointer) ?? []), part]);
  ir.layers.forEach((layer, index) => add(origins.layers[index], { section: sections[index], row: rowNamed(layer.name) }));
  ir.heads.forEach((head, index) => add(origins.heads[index], { section: sections[ir.layers.length + index], row: rowNamed(head.name) }));
  const starts = new Map<number, ModelPart[]>();
  for (const [pointer, list] of parts) {
    const span: SourceSpan | undefined = form.spans.get(pointer)?.value;
    if (span !== undefined) starts.set(span.startOffset, list);
  }
  return { partsAt: (statementStart) => starts.get(statementStart) ?? [] };
}
