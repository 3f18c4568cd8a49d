import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/ast/index.js';
import type { StatementNode } from '../../src/ast/types.js';
import type { SourceSpan } from '../../src/diagnostics/types.js';
import { SeqnetParser } from '../../grammar/parser.js';

/** `line:column-line:column@start-end`, short enough to write expected spans by hand. */
function at(span: SourceSpan | null): string {
  return span === null ? 'none' : `${span.startLine}:${span.startColumn}-${span.endLine}:${span.endColumn}@${span.startOffset}-${span.endOffset}`;
}

/** The statement tree without spans: `keyword args… { children }`. */
function shape(statements: readonly StatementNode[]): unknown[] {
  return statements.map((statement) => {
    const args = statement.args.map((arg) => `${arg.kind}:${String(arg.value)}`);
    return statement.block === null ? [statement.keyword, ...args] : [statement.keyword, ...args, shape(statement.block)];
  });
}

function errors(source: string): string[] {
  return parseSpec(source).diagnostics.map((d) => `${d.code} ${d.span ? `${d.span.startLine}:${d.span.startColumn}` : '-'} ${d.message}`);
}

describe('parser', () => {
  it('passes chevrotain grammar validations', () => {
    expect(() => new SeqnetParser()).not.toThrow();
  });

  it('builds the statement tree with decoded arguments', () => {
    const { ast, diagnostics } = parseSpec('seqnet 1\nlstm 32 x 2 {\n  norm ba2016\n  sequences true; bias false\n}\nname "a\\tb\\u0041"\n');
    expect(diagnostics).toEqual([]);
    expect(shape(ast.statements)).toEqual([
      ['seqnet', 'number:1'],
      ['lstm', 'number:32', 'identifier:x', 'number:2', [['norm', 'identifier:ba2016'], ['sequences', 'boolean:true'], ['bias', 'boolean:false']]],
      ['name', 'string:a\tbA'],
    ]);
  });

  it('keeps number and string source text as raw', () => {
    const [statement] = parseSpec('epsilon 1E-05 "\\u0041"').ast.statements;
    expect(statement.args.map((arg) => [arg.value, arg.raw])).toEqual([
      [0.00001, '1E-05'],
      ['A', '"\\u0041"'],
    ]);
  });

  it('gives exact spans: 1-based lines and columns, 0-based offsets, end exclusive', () => {
    const source = 'head out {\n  units 3\n}\n';
    const [head] = parseSpec(source).ast.statements;
    expect(at(head.keywordSpan)).toBe('1:1-1:5@0-4');
    expect(at(head.args[0].span)).toBe('1:6-1:9@5-8');
    expect(at(head.blockSpan)).toBe('1:10-3:2@9-22');
    expect(at(head.span)).toBe('1:1-3:2@0-22');
    const units = head.block?.[0];
    expect(at(units?.span ?? null)).toBe('2:3-2:10@13-20');
    expect(source.slice(13, 20)).toBe('units 3');
  });

  it('spans a statement without a block to its last argument', () => {
    const [statement] = parseSpec('  dropout 0.1   # c').ast.statements;
    expect(at(statement.span)).toBe('1:3-1:14@2-13');
  });

  it('counts a BOM and tabs as one column each and CRLF as one line break', () => {
    const { ast } = parseSpec('\ufeffa 1\r\n\tb\t2\r\n');
    expect(ast.statements.map((statement) => at(statement.span))).toEqual(['1:2-1:5@1-4', '2:2-2:5@7-10']);
  });

  it('spans the whole file in the AST root', () => {
    expect(at(parseSpec('a\nbc\n').ast.span)).toBe('1:1-3:1@0-5');
    expect(at(parseSpec('').ast.span)).toBe('1:1-1:1@0-0');
  });

  it('accepts empty files, blank lines, stray separators and empty blocks', () => {
    expect(parseSpec('').diagnostics).toEqual([]);
    const { ast, diagnostics } = parseSpec(';;\n\n a {}\n b { ; }\n;\n');
    expect(diagnostics).toEqual([]);
    expect(shape(ast.statements)).toEqual([['a', []], ['b', []]]);
  });

  it('marks comments as trailing or on their own line', () => {
    const { comments } = parseSpec('# head\na 1  # tail\n  # indented\nb { # after brace\n}').ast;
    expect(comments.map((comment) => [comment.text, comment.trailing, comment.span.startLine])).toEqual([
      ['# head', false, 1],
      ['# tail', true, 2],
      ['# indented', false, 3],
      ['# after brace', true, 4],
    ]);
  });
});

describe('syntax errors', () => {
  it('says what was expected and what was found', () => {
    expect(errors('lstm 32 {\n  norm x\n')).toEqual(["SN0010 2:9 expected '}' but found end of file"]);
    const [diagnostic] = parseSpec('lstm 32 {\n  norm x\n').diagnostics;
    expect(diagnostic.hint).toBe('the block opened at line 1 is not closed');
  });

  it('requires a separator after a block before the next statement', () => {
    const [diagnostic] = parseSpec('dense 8 { activation relu } dropout 0.1').diagnostics;
    expect(diagnostic).toMatchObject({
      code: 'SN0011',
      message: "expected end of line or ';' but found 'dropout'",
      span: { startLine: 1, startColumn: 29, endColumn: 36 },
    });
  });

  it('reports each error once, although chevrotain reports it in every rule it unwinds', () => {
    expect(errors('a { b { c } d }')).toEqual(["SN0011 1:13 expected end of line or ';' but found 'd'"]);
  });

  it('reports every block left open, even when recovery skipped past its end', () => {
    const diagnostics = parseSpec('lstm 32 {\n  norm ba2016 {\nhead out { units 1 } loss mse\n').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.span?.startLine, d.span?.startColumn, d.hint])).toEqual([
      ['SN0011', 3, 22, 'put each statement on its own line, or separate statements with `;`'],
      ['SN0010', 3, 30, 'the block opened at line 2 is not closed'],
      ['SN0010', 3, 30, 'the block opened at line 1 is not closed'],
    ]);
  });

  it('reports a value where a statement should start, with a hint', () => {
    const [diagnostic] = parseSpec('input {\n  5 steps\n}').diagnostics;
    expect(diagnostic).toMatchObject({
      code: 'SN0010',
      message: "expected '}' but found '5'",
      hint: 'a statement starts with a keyword such as `lstm` or `head`',
      span: { startLine: 2, startColumn: 3 },
    });
  });

  it('explains a brace on its own line and goes on parsing', () => {
    const { ast, diagnostics } = parseSpec('lstm 32\n{\n  norm x\n}\nhead y { units 1 }\n');
    expect(diagnostics.map((d) => [d.code, d.message, d.hint, d.span?.startLine])).toEqual([
      ['SN0012', "unexpected '{'", 'the `{` of a block goes on the same line as its statement', 2],
    ]);
    expect(shape(ast.statements)).toEqual([['lstm', 'number:32'], ['head', 'identifier:y', [['units', 'number:1']]]]);
  });

  it('reports several errors at once, in source order, with their positions', () => {
    const source = ['model m', 'input { steps 5 @ }', 'lstm 3 { 7 }', 'head h { units 1 } at 2', 'name "bad\\q"', '}'].join('\n');
    expect(errors(source)).toEqual([
      "SN0001 2:17 unexpected character '@'",
      "SN0010 3:10 expected '}' but found '7'",
      "SN0011 4:20 expected end of line or ';' but found 'at'",
      "SN0003 5:10 invalid escape '\\q' in string",
      "SN0013 6:1 unmatched '}'",
    ]);
  });

  it('keeps the statements around the errors and marks the recovered ones', () => {
    const { ast } = parseSpec('a 1\nb { 7 }\nc 3 @\nd { e { f "\\q" } }');
    expect(shape(ast.statements)).toEqual([['a', 'number:1'], ['b', []], ['c', 'number:3'], ['d', [['e', [['f']]]]]]);
    expect(ast.statements.map((statement) => statement.recovered)).toEqual([false, true, true, true]);
    expect(ast.statements[3].block?.[0].recovered).toBe(true);
  });

  it('anchors a missing brace at the end of the last real token, not at a NaN position', () => {
    const [diagnostic] = parseSpec('a {\n  b 1\n\n\n').diagnostics;
    expect(at(diagnostic.span)).toBe('2:6-2:6@9-9');
  });

  it('reports numbers too large for a double', () => {
    expect(errors('x 1e400')).toEqual(['SN0002 1:3 number 1e400 is too large']);
  });

  it('points at the bad escape or control character inside a string', () => {
    expect(errors('a "ok\\x"')).toEqual(["SN0003 1:6 invalid escape '\\x' in string"]);
    expect(errors('a "tab\there"')).toEqual(['SN0003 1:7 control character in string']);
    expect(errors('a "\\u12"')).toEqual(["SN0003 1:4 invalid escape '\\u12\"' in string"]);
  });

  it('suggests double quotes and spaces for common slips', () => {
    const hints = parseSpec("units = 3\nname 'x'").diagnostics.map((d) => d.hint);
    expect(hints).toEqual([
      'arguments follow the keyword after a space, as in `units 32`',
      'strings use double quotes: "text"',
      'strings use double quotes: "text"',
    ]);
  });
});
