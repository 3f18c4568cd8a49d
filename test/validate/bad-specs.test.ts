/**
 * The bad-spec corpus: every file in bad/ states its expected diagnostics in `# expect: LINE:COLUMN CODE`
 * header comments, and must produce exactly those (code and position), no more and no fewer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { checkSpec } from '../../src/validate/index.js';

const folder = join(import.meta.dirname, 'bad');
const files = readdirSync(folder).filter((name) => name.endsWith('.seqnet') || name.endsWith('.json')).sort();

function expectations(source: string): string[] {
  return [...source.matchAll(/^# expect: (\d+:\d+ SN\d{4})$/gm)].map((match) => match[1]).sort();
}

describe('bad specs', () => {
  it('has a corpus of at least 35 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(35);
  });

  it('covers every structure, semantic and warning code that a .seqnet file can produce', () => {
    const covered = new Set(files.flatMap((name) => expectations(readFileSync(join(folder, name), 'utf8')).map((entry) => entry.split(' ')[1])));
    // SN1000 (unreadable file), SN1001 (invalid JSON) and SN2012 (a JSON norm entry) cannot come from .seqnet text;
    // test/validate/api.test.ts and json-form.test.ts cover them. SN1013 and SN3003 (more than 100 diagnostics)
    // are covered by test/contract/all-errors.test.ts.
    const elsewhere = new Set(['SN1000', 'SN1001', 'SN2012', 'SN1013', 'SN3003']);
    const missing = DIAGNOSTIC_CODES.map((info) => info.code).filter((code) => /^SN[123]/.test(code) && !elsewhere.has(code) && !covered.has(code));
    expect(missing).toEqual([]);
  });

  it.each(files)('%s', (name) => {
    const source = readFileSync(join(folder, name), 'utf8');
    const expected = expectations(source);
    expect(expected.length).toBeGreaterThan(0);
    const { diagnostics, ir } = checkSpec(source, name);
    const actual = diagnostics.map((d) => `${d.span?.startLine ?? 0}:${d.span?.startColumn ?? 0} ${d.code}`).sort();
    expect(actual).toEqual(expected);
    const hasError = diagnostics.some((diagnostic) => diagnostic.severity === 'error');
    expect(ir === null).toBe(hasError);
  });
});
