import { describe, expect, it } from 'vitest';
import { createSeqnetLexer, lex } from '../../grammar/lexer.js';

/** Token types and images, the shape every lexer assertion compares. */
function tokens(source: string): string[] {
  return lex(source).tokens.map((token) => `${token.tokenType.name}:${token.image}`);
}

describe('lexer', () => {
  it('keeps the first-character fast path and passes chevrotain validations', () => {
    expect(() => createSeqnetLexer({ ensureOptimizations: true })).not.toThrow();
  });

  it('recognises every token kind', () => {
    expect(tokens('lstm 32 -1 0.5 1e-5 2E+3 "s" true false x_1 { ; }')).toEqual([
      'Identifier:lstm',
      'NumberLiteral:32',
      'NumberLiteral:-1',
      'NumberLiteral:0.5',
      'NumberLiteral:1e-5',
      'NumberLiteral:2E+3',
      'StringLiteral:"s"',
      'True:true',
      'False:false',
      'Identifier:x_1',
      'LBrace:{',
      'Semicolon:;',
      'RBrace:}',
    ]);
  });

  it('lexes keywords that prefix a longer word as identifiers', () => {
    expect(tokens('trueish falsehood _true')).toEqual(['Identifier:trueish', 'Identifier:falsehood', 'Identifier:_true']);
  });

  it('makes one token of a run of line breaks, whatever their style, and skips tabs and a BOM', () => {
    expect(tokens('\ufeffa\t1\r\n\r\n  \n\rb')).toEqual(['Identifier:a', 'NumberLiteral:1', 'Newline:\r\n\r\n  \n\r', 'Identifier:b']);
  });

  it('keeps comments aside, with positions', () => {
    const result = lex('a 1 # note\n# own line\nb');
    expect(result.tokens.map((token) => token.image)).toEqual(['a', '1', '\n', '\n', 'b']);
    expect(result.comments.map((token) => [token.image, token.startLine, token.startColumn])).toEqual([
      ['# note', 1, 5],
      ['# own line', 2, 1],
    ]);
  });

  it('counts lines for CRLF and lone CR the same way', () => {
    const result = lex('a\r\nb\rc\nd');
    expect(result.tokens.filter((token) => token.image.length === 1 && /\w/.test(token.image)).map((t) => t.startLine)).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('reports a number glued to letters as one invalid number, not two arguments', () => {
    const result = lex('lstm 128x2 1.2.3 .5 1e -');
    expect(result.tokens.map((token) => token.image)).toEqual(['lstm']);
    expect(result.errors.map((error) => [error.kind, error.text, error.column])).toEqual([
      ['invalid-number', '128x2', 6],
      ['invalid-number', '1.2.3', 12],
      ['invalid-number', '.5', 18],
      ['invalid-number', '1e', 21],
      ['invalid-number', '-', 24],
    ]);
  });

  it('reports an unterminated string up to the end of its line and goes on', () => {
    const result = lex('name "abc\nunits 3');
    expect(result.errors).toEqual([
      expect.objectContaining({ kind: 'unterminated-string', line: 1, column: 6, length: 4 }),
    ]);
    expect(result.tokens.map((token) => token.image)).toEqual(['name', '\n', 'units', '3']);
  });

  it('accepts escaped quotes inside strings', () => {
    expect(tokens('"a \\" b" "\\\\"')).toEqual(['StringLiteral:"a \\" b"', 'StringLiteral:"\\\\"']);
  });

  it('reports characters that start no token, escaping invisible ones', () => {
    const result = lex('a @ 1\u0000\u0001 b');
    expect(result.errors.map((error) => [error.kind, error.message, error.column, error.length])).toEqual([
      ['unexpected-character', "unexpected character '@'", 3, 1],
      ['unexpected-character', "unexpected characters '\\u0000\\u0001'", 6, 2],
    ]);
    expect(result.tokens.map((token) => token.image)).toEqual(['a', '1', 'b']);
  });
});
