/** Plain values (numbers, strings, configs) written as TypeScript literals, deterministically and safely. */
import type { InitializerRef, PlainValue } from '../compile/plan-types.js';
import { CodegenError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Objects and arrays shorter than this stay on one line. */
const INLINE_WIDTH = 88;

/** The one number format of generated code: JavaScript's shortest round-trip form; -0 as 0; no NaN/∞. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new CodegenError(`cannot write the number ${value} in generated code`);
  return Object.is(value, -0) ? '0' : String(value);
}

/** A string literal. JSON escapes quotes, backslashes and control characters; U+2028/9 are escaped too. */
export function stringLiteral(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : stringLiteral(key);
}

function isInitializerRef(value: object): value is InitializerRef {
  const initializer = (value as { initializer?: unknown }).initializer;
  return initializer === 'constant' || initializer === 'glorotUniform';
}

function initializerExpression(ref: InitializerRef, seedExpression: string): string {
  if (ref.initializer === 'glorotUniform') return `tf.initializers.glorotUniform({ seed: ${seedExpression} })`;
  if (typeof ref.value !== 'number') throw new CodegenError('a constant initializer needs a number');
  return `tf.initializers.constant({ value: ${formatNumber(ref.value)} })`;
}

/**
 * `value` as a TypeScript expression at nesting `indent`. Initializer references become tfjs initializer calls
 * (`seedExpression` is the layer's seed); everything else is data.
 */
export function printValue(value: PlainValue, indent: string, seedExpression = 'seed'): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    const items = value.map((item) => printValue(item, inner, seedExpression));
    return layout('[', ']', items, indent, false);
  }
  if (isInitializerRef(value)) return initializerExpression(value, seedExpression);
  return printObject(printedEntries(value, indent, seedExpression), indent);
}

/** The entries of an object value, each printed, as `[key, expression]` pairs. */
export function printedEntries(value: { [key: string]: PlainValue }, indent: string, seedExpression = 'seed'): [string, string][] {
  return Object.entries(value).map(([key, item]) => [key, printValue(item, `${indent}  `, seedExpression)]);
}

/** An object literal from already printed `[key, expression]` pairs. */
export function printObject(entries: [string, string][], indent: string): string {
  return layout('{', '}', entries.map(([key, expression]) => `${propertyKey(key)}: ${expression}`), indent, true);
}

function layout(open: string, close: string, items: string[], indent: string, padded: boolean): string {
  if (items.length === 0) return `${open}${close}`;
  const space = padded ? ' ' : '';
  const inline = `${open}${space}${items.join(', ')}${space}${close}`;
  if (inline.length + indent.length <= INLINE_WIDTH && !inline.includes('\n')) return inline;
  return `${open}\n${items.map((item) => `${indent}  ${item},`).join('\n')}\n${indent}${close}`;
}
