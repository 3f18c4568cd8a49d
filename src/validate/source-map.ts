/**
 * Where every value of a spec's JSON form came from: JSON pointer → spans of its key, its value and (for
 * objects built from a statement) the statement header. Diagnostics about a JSON value point through this map.
 */
import type { SourceSpan } from '../diagnostics/types.js';

export interface PointerSpans {
  /** The key (the statement keyword, or the JSON key); where "unknown field" errors point. */
  key: SourceSpan | null;
  /** The value (an argument, a statement, a JSON value). */
  value: SourceSpan;
  /** For objects: the statement header (keyword and arguments) or the object's key; where "missing" errors point. */
  header: SourceSpan;
}

export type SpanMap = Map<string, PointerSpans>;

/** RFC 6901 pointer of a child. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** The parent of a pointer (`''` for the root's children, null for the root). */
export function parentPointer(pointer: string): string | null {
  if (pointer === '') return null;
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/** The last reference token of a pointer, unescaped. */
export function lastToken(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}

export type SpanRole = keyof PointerSpans;

/**
 * The span of `role` at `pointer`, or of the nearest ancestor that has one (a value synthesized from a statement
 * has no span of its own; its statement does).
 */
export function spanAt(spans: SpanMap, pointer: string, role: SpanRole): SourceSpan | null {
  for (let current: string | null = pointer; current !== null; current = parentPointer(current)) {
    const entry = spans.get(current);
    if (entry !== undefined) return entry[role] ?? entry.value;
  }
  return null;
}
