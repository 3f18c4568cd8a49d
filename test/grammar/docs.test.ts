import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateGrammarDocs } from '../../grammar/docs-generator.js';

/**
 * The generated grammar files must match what the parser produces now. With UPDATE_GRAMMAR_DOCS=1 the test
 * rewrites them instead (as snapshot tests do), which is how they are regenerated.
 */
const update = process.env.UPDATE_GRAMMAR_DOCS === '1';
const generated = generateGrammarDocs(readFileSync('grammar/README.md', 'utf8'));

describe('generated grammar docs', () => {
  for (const [path, content] of Object.entries(generated)) {
    it(`${path} is up to date`, () => {
      if (update) {
        writeFileSync(`${path}.tmp`, content);
        renameSync(`${path}.tmp`, path);
      }
      expect(readFileSync(path, 'utf8'), `${path} is stale: run UPDATE_GRAMMAR_DOCS=1 npx vitest run test/grammar/docs.test.ts`).toBe(content);
    });
  }

  it('describes every rule in the EBNF', () => {
    const readme = generated['grammar/README.md'];
    for (const rule of ['spec', 'statements', 'statement', 'block']) expect(readme).toMatch(new RegExp(`^${rule} +::= `, 'm'));
    expect(readme).toContain("statement  ::= Identifier ( NumberLiteral | StringLiteral | Identifier | 'true' | 'false' )* block?");
  });

  it('makes the syntax diagrams page self-contained', () => {
    const html = generated['grammar/diagrams.html'];
    // Links inside the inlined libraries' comments are fine; nothing may be loaded from elsewhere.
    expect(html).not.toMatch(/<script src=|<link |unpkg/);
    expect(html).toContain('drawDiagramsFromSerializedGrammar');
    expect(html).toContain('"name": "statement"');
  });

  it('types the CST of every rule', () => {
    const dts = generated['grammar/cst.ts'];
    for (const node of ['SpecCstNode', 'StatementsCstNode', 'StatementCstNode', 'BlockCstNode']) expect(dts).toContain(`interface ${node}`);
  });
});
