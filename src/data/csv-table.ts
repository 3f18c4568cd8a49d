/** Reads a numeric CSV table with a header row, reporting bad cells by file, line and column. */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
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

/** Reads `path` and returns the named columns; any problem is a DataError naming `displayPath:line:column`. */
export async function readNumericCsv(path: string, displayPath: string, wanted: string[], delimiter: string): Promise<NumericTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read ${displayPath}: ${(error as Error).message}`);
  }
  if (text.trim() === '') throw new DataError(`${displayPath}:1:1: the file is empty`);
  const records = parseRecords(text, displayPath, delimiter);
  const header = records[0].record.map((name) => name.trim());
  const indices = wanted.map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new DataError(`${displayPath}:1:1: no column named '${name}' (columns: ${header.join(', ')})`);
    return index;
  });
  if (records.length < 2) throw new DataError(`${displayPath}:2:1: the file has a header but no data rows`);
  const rows = records.length - 1;
  const columns = new Map(wanted.map((name) => [name, new Float64Array(rows)] as const));
  for (let r = 1; r < records.length; r++) {
    const { record, raw, info } = records[r];
    if (record.length !== header.length) {
      throw new DataError(`${displayPath}:${info.lines}:1: row has ${record.length} fields, the header has ${header.length}`);
    }
    wanted.forEach((name, k) => {
      const cell = record[indices[k]].trim();
      const value = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) {
        const column = fieldStart(raw, indices[k], delimiter);
        throw new DataError(`${displayPath}:${info.lines}:${column}: column '${name}' holds '${cell}', which is not a number`);
      }
      (columns.get(name) as Float64Array)[r - 1] = value;
    });
  }
  return { columns, rows };
}

function parseRecords(text: string, displayPath: string, delimiter: string): ParsedRecord[] {
  try {
    return parse(text, { delimiter, info: true, raw: true, relax_column_count: true, skip_empty_lines: true }) as unknown as ParsedRecord[];
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    throw new DataError(`${displayPath}:${lines ?? 1}:1: ${(error as Error).message}`);
  }
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
