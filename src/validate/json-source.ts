/**
 * Reads a `.seqnet.json` text into a value and a pointer → span map, so schema and semantic diagnostics point
 * into the JSON file as they point into a `.seqnet` file. JSON.parse gives the values; a small scanner over the
 * same text finds the spans (JSON.parse has no positions).
 */
import { Code } from '../diagnostics/codes.js';
import { createDiagnostic } from '../diagnostics/create.js';
import { LineIndex } from '../diagnostics/spans.js';
import type { Diagnostic } from '../diagnostics/types.js';
import { setOwn } from './own.js';
import { childPointer, type SpanMap } from './source-map.js';
import type { JsonValue } from './to-json.js';

export interface JsonSourceResult {
  value: JsonValue | undefined;
  spans: SpanMap;
  diagnostics: Diagnostic[];
}

/** Deeper documents are refused rather than risking the call stack; a spec is four levels deep. */
const MAX_DEPTH = 256;

/** Sticky (`y`) patterns match at `lastIndex` without copying the rest of the text. */
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonSource(text: string, file: string): JsonSourceResult {
  const lines = new LineIndex(text);
  const spans: SpanMap = new Map();
  try {
    const scanner = new Scanner(text, lines, spans);
    scanner.skipWhitespace();
    const start = scanner.position;
    const value = scanner.value('', 0, null);
    scanner.skipWhitespace();
    if (scanner.position < text.length) throw new JsonSyntaxError('unexpected text after the JSON value', scanner.position);
    spans.set('', { key: null, value: lines.span(start, scanner.position), header: lines.span(start, Math.min(start + 1, text.length)) });
    return { value, spans, diagnostics: [] };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const end = Math.min(error.offset + 1, text.length);
    const diagnostic = createDiagnostic(Code.InvalidJson, `invalid JSON: ${error.message}`, file, lines.span(error.offset, Math.max(end, error.offset)));
    return { value: undefined, spans, diagnostics: [diagnostic] };
  }
}

class Scanner {
  position = 0;

  constructor(
    private readonly text: string,
    private readonly lines: LineIndex,
    private readonly spans: SpanMap,
  ) {}

  skipWhitespace(): void {
    while (this.position < this.text.length && ' \t\n\r'.includes(this.text[this.position])) this.position++;
  }

  value(pointer: string, depth: number, keySpan: { start: number; end: number } | null): JsonValue {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`nested more than ${MAX_DEPTH} levels deep`, this.position);
    this.skipWhitespace();
    const start = this.position;
    const char = this.text[start];
    let value: JsonValue;
    if (char === '{') value = this.object(pointer, depth);
    else if (char === '[') value = this.array(pointer, depth);
    else if (char === '"') value = this.string();
    else value = this.literal();
    const valueSpan = this.lines.span(start, this.position);
    const key = keySpan === null ? null : this.lines.span(keySpan.start, keySpan.end);
    this.spans.set(pointer, { key, value: valueSpan, header: key ?? this.lines.span(start, start + 1) });
    return value;
  }

  private object(pointer: string, depth: number): JsonValue {
    const object: { [key: string]: JsonValue } = {};
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') throw new JsonSyntaxError('expected a "key"', this.position);
      const keyStart = this.position;
      const key = this.string();
      const keyEnd = this.position;
      this.skipWhitespace();
      this.expect(':');
      setOwn(object, key, this.value(childPointer(pointer, key), depth + 1, { start: keyStart, end: keyEnd }));
      this.skipWhitespace();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect('}');
      return object;
    }
  }

  private array(pointer: string, depth: number): JsonValue {
    const array: JsonValue[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return array;
    }
    for (;;) {
      array.push(this.value(childPointer(pointer, array.length), depth + 1, null));
      this.skipWhitespace();
      if (this.text[this.position] === ',') {
        this.position++;
        continue;
      }
      this.expect(']');
      return array;
    }
  }

  private string(): string {
    STRING.lastIndex = this.position;
    const match = STRING.exec(this.text);
    if (match === null) throw new JsonSyntaxError('invalid or unterminated string', this.position);
    this.position += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private literal(): JsonValue {
    LITERAL.lastIndex = this.position;
    const match = LITERAL.exec(this.text);
    if (match === null) {
      const what = this.position >= this.text.length ? 'unexpected end of the text' : `unexpected character '${this.text[this.position]}'`;
      throw new JsonSyntaxError(what, this.position);
    }
    this.position += match[0].length;
    return JSON.parse(match[0]) as JsonValue;
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) throw new JsonSyntaxError(`expected '${char}'`, this.position);
    this.position++;
  }
}
