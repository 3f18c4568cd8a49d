/**
 * Reads a numeric CSV table with a header row, reporting bad cells by file, line and column. The file is
 * parsed as a stream straight into one growing Float64Array per wanted column, so memory holds the numbers
 * only (8 bytes a cell), never the file's text or its rows of strings.
 */
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { DataError } from './types.js';

/** The chosen columns of a CSV file as numbers, one array per column, in file order. */
export interface NumericTable {
  columns: Map<string, Float64Array>;
  rows: number;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** A Float64Array that doubles its capacity as values are appended. */
class GrowingColumn {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new Float64Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  /** The values, trimmed to their length (a copy only when the buffer is not exactly full). */
  finish(): Float64Array {
    return this.length === this.values.length ? this.values : this.values.slice(0, this.length);
  }
}

/** Where the wanted columns sit in each record, from the header. */
interface Layout {
  header: string[];
  indices: number[];
}

/** Reads `path` and returns the named columns; any problem is a DataError naming `displayPath:line:column`. */
export async function readNumericCsv(path: string, displayPath: string, wanted: string[], delimiter: string): Promise<NumericTable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw DataError.unreadable(displayPath, error);
  }
  // `pipe` does not pass a read error on (a folder opens but fails on read): hand it to the parser, marked as the
  // file's, so the loop below ends with it instead of the error escaping as an unhandled one.
  const stream = handle.createReadStream();
  const parser = stream.pipe(parse({ delimiter, info: true, raw: true, relax_column_count: true, skip_empty_lines: true }));
  stream.on('error', (error) => parser.destroy(DataError.unreadable(displayPath, error)));
  const columns = wanted.map(() => new GrowingColumn());
  let layout: Layout | null = null;
  let blankHeader = false;
  let rows = 0;
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      if (layout === null) {
        blankHeader = parsed.record.every((field) => field.trim() === '');
        layout = headerLayout(parsed.record, wanted, displayPath, blankHeader);
        continue;
      }
      appendRow(parsed, layout, wanted, columns, { displayPath, delimiter });
      rows += 1;
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    const lines = (error as { lines?: number }).lines;
    throw new DataError(`${displayPath}:${lines ?? 1}:1: ${(error as Error).message}`);
  } finally {
    parser.destroy();
    await handle.close();
  }
  if (layout === null || (blankHeader && rows === 0)) throw new DataError(`${displayPath}:1:1: the file is empty`);
  if (rows === 0) throw new DataError(`${displayPath}:2:1: the file has a header but no data rows`);
  return { columns: new Map(wanted.map((name, k) => [name, columns[k].finish()] as const)), rows };
}

function headerLayout(record: string[], wanted: string[], displayPath: string, blank: boolean): Layout {
  const header = record.map((name) => name.trim());
  const indices = wanted.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) {
      if (blank) throw new DataError(`${displayPath}:1:1: the file is empty`);
      throw new DataError(`${displayPath}:1:1: no column named '${name}' (columns: ${header.join(', ')})`);
    }
    return index;
  });
  return { header, indices };
}

function appendRow(parsed: ParsedRecord, layout: Layout, wanted: string[], columns: GrowingColumn[], where: { displayPath: string; delimiter: string }): void {
  const { record, raw, info } = parsed;
  if (record.length !== layout.header.length) {
    throw new DataError(`${where.displayPath}:${info.lines}:1: row has ${record.length} fields, the header has ${layout.header.length}`);
  }
  wanted.forEach((name, k) => {
    const cell = record[layout.indices[k]].trim();
    const value = cell === '' ? Number.NaN : Number(cell);
    if (!Number.isFinite(value)) {
      const column = fieldStart(raw, layout.indices[k], where.delimiter);
      throw new DataError(`${where.displayPath}:${info.lines}:${column}: column '${name}' holds '${cell}', which is not a number`);
    }
    columns[k].push(value);
  });
}

/** 1-based character column where field `index` starts in a raw record (quotes respected, blank lines skipped). */
export function fieldStart(raw: string, index: number, delimiter: string): number {
  const line = raw.replace(/^[\r\n]+/, '');
  let field = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (field === index) return i + 1;
    const char = line[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && line.startsWith(delimiter, i)) field++;
  }
  return line.length + 1;
}
