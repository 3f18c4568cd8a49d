import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/ast/index.js';
import type { StatementNode } from '../../src/ast/types.js';
import { formatSpec } from '../../src/format/index.js';

const FIXTURES = 'test/format/fixtures';

/** The statement tree without spans or raw text: what formatting must preserve. */
function meaning(statements: readonly StatementNode[]): unknown[] {
  return statements.map((statement) => ({
    keyword: statement.keyword,
    args: statement.args.map((arg) => [arg.kind, arg.value]),
    block: statement.block === null ? null : meaning(statement.block),
  }));
}

function format(source: string): string {
  const { text, diagnostics } = formatSpec(source);
  expect(diagnostics).toEqual([]);
  if (text === null) throw new Error('formatting was refused');
  return text;
}

/** Formatting is idempotent, keeps the statement tree and every comment's text. */
function expectSafe(source: string): void {
  const once = format(source);
  expect(format(once)).toBe(once);
  expect(meaning(parseSpec(once).ast.statements)).toEqual(meaning(parseSpec(source).ast.statements));
  const comments = (text: string): string[] => parseSpec(text).ast.comments.map((comment) => comment.text.trimEnd());
  expect(comments(once)).toEqual(comments(source));
}

describe('formatSpec on fixtures', () => {
  const cases = readdirSync(FIXTURES, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  it('has the fixture cases', () => {
    expect(cases.map((entry) => entry.name).sort()).toEqual([
      'blank-lines',
      'comments',
      'crlf',
      'inline-blocks',
      'tabs',
      'trailing-comments',
    ]);
  });
  for (const { name } of cases) {
    it(`formats ${name}`, () => {
      const input = readFileSync(join(FIXTURES, name, 'input.seqnet'), 'utf8');
      const expected = readFileSync(join(FIXTURES, name, 'expected.seqnet'), 'utf8');
      expect(format(input)).toBe(expected);
      expect(format(expected)).toBe(expected);
      expectSafe(input);
    });
  }
});

describe('formatSpec on the example specs', () => {
  for (const file of readdirSync('specs').filter((name) => name.endsWith('.seqnet'))) {
    it(`is idempotent and keeps the meaning of ${file}`, () => {
      expectSafe(readFileSync(join('specs', file), 'utf8'));
    });
  }
});

describe('formatSpec rules', () => {
  it('indents with two spaces and puts one statement per line', () => {
    expect(format('a { b { c 1; d 2 }\n}')).toBe('a {\n  b { c 1; d 2 }\n}\n');
  });

  it('keeps a block inline only while it fits in 100 columns', () => {
    const fits = `k { ${'x'.repeat(90)} 1 }`; // 4 + 90 + 4 = 98 columns
    expect(format(fits)).toBe(`${fits}\n`);
    const tooLong = `k { ${'x'.repeat(94)} 1 }`; // 102 columns
    expect(format(tooLong)).toBe(`k {\n  ${'x'.repeat(94)} 1\n}\n`);
    const nested = `outer {\n  k { ${'x'.repeat(90)} 1 }\n}\n`; // 100 columns with its indentation
    expect(format(nested)).toBe(nested);
  });

  it('keeps numbers as written and prints strings canonically', () => {
    expect(format('a   1E-05  -0.50\t007')).toBe('a 1E-05 -0.50 007\n');
    expect(format('s "\\u0041\\/\\t"')).toBe('s "A/\\t"\n');
  });

  it('drops blank lines after { and before }, and at the start and end of the file', () => {
    expect(format('\n\na {\n\n  b 1\n\n}\n\n\n')).toBe('a {\n  b 1\n}\n');
  });

  it('formats an empty file, or one of only comments', () => {
    expect(format('')).toBe('');
    expect(format('\n \n')).toBe('');
    expect(format('  # only   \n\n\n# comments\n')).toBe('# only\n\n# comments\n');
  });

  it('refuses a file with syntax errors and says why', () => {
    const result = formatSpec('a {\n  b 1\n', 'broken.seqnet');
    expect(result.text).toBeNull();
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([['SN0010', 'broken.seqnet']]);
  });

  it('survives a large generated file and stays idempotent', () => {
    const spec = readFileSync('specs/char_lm.seqnet', 'utf8');
    expectSafe(Array.from({ length: 50 }, () => spec).join('\n\n\n'));
  });
});
