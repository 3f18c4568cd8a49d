import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/ast/index.js';
import type { StatementNode } from '../../src/ast/types.js';
import { MAX_NESTING_DEPTH, MAX_REPORTED_SYNTAX_ERRORS } from '../../src/ast/syntax-codes.js';

/** A small seeded generator (mulberry32), so a failing input can be reproduced from the seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = ['lstm', ' ', '32', '{', '}', ';', '\n', '\r\n', '"s"', '"\\q', '#c', '-', '1e', 'true', '\t', '\u0000', 'é', '.'];

/** Every span must lie within the source and be ordered; the invariant later stages rely on. */
function expectSpansInside(statements: readonly StatementNode[], length: number): void {
  for (const statement of statements) {
    for (const span of [statement.span, statement.keywordSpan, ...statement.args.map((arg) => arg.span)]) {
      expect(span.startOffset).toBeGreaterThanOrEqual(0);
      expect(span.endOffset).toBeGreaterThanOrEqual(span.startOffset);
      expect(span.endOffset).toBeLessThanOrEqual(length);
      expect(Number.isInteger(span.startLine) && Number.isInteger(span.endColumn)).toBe(true);
    }
    if (statement.block) expectSpansInside(statement.block, length);
  }
}

describe('parseSpec never throws', () => {
  it('on random byte strings', () => {
    const next = random(1);
    for (let run = 0; run < 200; run += 1) {
      const source = String.fromCharCode(...Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      const { ast, diagnostics } = parseSpec(source);
      expectSpansInside(ast.statements, source.length);
      for (const diagnostic of diagnostics) expect(diagnostic.code).toMatch(/^SN0\d{3}$/);
    }
  });

  it('on random mixes of language fragments', () => {
    const next = random(2);
    for (let run = 0; run < 300; run += 1) {
      const source = Array.from({ length: Math.floor(next() * 60) }, () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]).join('');
      const { ast, diagnostics } = parseSpec(source);
      expectSpansInside(ast.statements, source.length);
      for (const diagnostic of diagnostics) {
        if (diagnostic.span) expect(diagnostic.span.endOffset).toBeLessThanOrEqual(source.length);
      }
    }
  });

  it('on 10 000 nested braces, with one clear diagnostic', () => {
    for (const source of ['{'.repeat(10_000), 'a {'.repeat(10_000), `${'a {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}`]) {
      const { diagnostics } = parseSpec(source);
      expect(diagnostics.map((d) => d.code)).toEqual(['SN0014']);
    }
  });

  it('parses nesting up to the limit', () => {
    const source = `${'a {\n'.repeat(MAX_NESTING_DEPTH)}${'}\n'.repeat(MAX_NESTING_DEPTH)}`;
    const { ast, diagnostics } = parseSpec(source);
    expect(diagnostics).toEqual([]);
    let depth = 0;
    for (let level: StatementNode[] | null = ast.statements; level && level.length > 0; level = level[0].block) depth += 1;
    expect(depth).toBe(MAX_NESTING_DEPTH);
  });

  it('on a 5 MB file of garbage, reporting a capped number of errors', () => {
    const next = random(3);
    const source = Array.from({ length: 5_000_000 }, () => String.fromCharCode(Math.floor(next() * 128))).join('');
    const { diagnostics } = parseSpec(source);
    expect(diagnostics).toHaveLength(MAX_REPORTED_SYNTAX_ERRORS + 1);
    expect(diagnostics[MAX_REPORTED_SYNTAX_ERRORS]).toMatchObject({ code: 'SN0015', span: null });
    expect(diagnostics[MAX_REPORTED_SYNTAX_ERRORS].message).toMatch(/^… and \d+ more syntax errors/);
  });

  it('on a large valid file made of real specs', () => {
    const spec = readFileSync('specs/char_lm.seqnet', 'utf8');
    const source = Array.from({ length: 400 }, () => spec).join('\n');
    const { ast, diagnostics } = parseSpec(source);
    expect(diagnostics).toEqual([]);
    expect(ast.statements.length).toBe(400 * parseSpec(spec).ast.statements.length);
  });

  it('on 200 000 lines that each start with a number', () => {
    const { diagnostics } = parseSpec('5\n'.repeat(200_000));
    expect(diagnostics[MAX_REPORTED_SYNTAX_ERRORS].message).toMatch(/before parsing stopped$/);
  });

  it('on NUL bytes, a lone BOM, only comments and only whitespace', () => {
    expect(parseSpec('\u0000'.repeat(1000)).diagnostics.map((d) => d.code)).toEqual(['SN0001']);
    expect(parseSpec('\ufeff').diagnostics).toEqual([]);
    expect(parseSpec('# just a comment').ast.comments).toHaveLength(1);
    expect(parseSpec(' \t\r\n\n').ast.statements).toEqual([]);
  });

  it('on lone surrogates and other unusual code points inside strings and comments', () => {
    const { ast, diagnostics } = parseSpec('name "\ud800 \u2028 \u{1f600}" # \udfff');
    expect(diagnostics).toEqual([]);
    expect(ast.statements[0].args[0].value).toBe('\ud800 \u2028 \u{1f600}');
  });
});
