/**
 * A small writer of Python source: indented lines, and literals for plain JSON-like values. Deterministic (the
 * same value always prints the same text) and independent of the locale.
 */
import { CodegenError } from '../errors.js';

export type PythonValue = number | string | boolean | null | PythonValue[] | { [key: string]: PythonValue } | PythonTuple;

/** A value printed as a Python tuple `(a, b)` rather than a list. */
export class PythonTuple {
  constructor(readonly items: readonly PythonValue[]) {}
}

export const tuple = (...items: PythonValue[]): PythonTuple => new PythonTuple(items);

/** A Python number: JavaScript's shortest round-trip form, which Python reads as the same double. */
function pythonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new CodegenError(`cannot write ${value} as a Python literal`);
  return Object.is(value, -0) ? '-0.0' : String(value);
}

/** A double-quoted Python string; everything outside printable ASCII is escaped. */
export function pythonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

export function pythonLiteral(value: PythonValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return pythonString(value);
  if (value instanceof PythonTuple) {
    const items = value.items.map(pythonLiteral);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  return `{${Object.entries(value).map(([key, item]) => `${pythonString(key)}: ${pythonLiteral(item)}`).join(', ')}}`;
}

/** Lines of Python at a current indentation (four spaces per level). */
export class PythonWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text = ''): this {
    this.lines.push(text === '' ? '' : `${'    '.repeat(this.depth)}${text}`);
    return this;
  }

  /** `header:` followed by the body written one level deeper. */
  block(header: string, body: () => void): this {
    this.line(`${header}:`);
    this.depth += 1;
    body();
    this.depth -= 1;
    return this;
  }

  /** A comment line; line breaks in `text` are not allowed (they would end the comment). */
  comment(text: string): this {
    if (/[\r\n\u2028\u2029]/.test(text)) throw new CodegenError('a generated comment contains a line break');
    return this.line(`# ${text}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
