import { describe, expect, it } from 'vitest';
import { SYNTAX_CODES, SyntaxCode } from '../../src/ast/syntax-codes.js';

describe('syntax codes', () => {
  it('documents every code exactly once, in the SN0xxx range', () => {
    const documented = SYNTAX_CODES.map((info) => info.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.values(SyntaxCode).sort());
    for (const info of SYNTAX_CODES) {
      expect(info.code).toMatch(/^SN0\d{3}$/);
      expect(info.title.length).toBeGreaterThan(0);
      expect(info.explanation.length).toBeGreaterThan(20);
    }
  });
});
