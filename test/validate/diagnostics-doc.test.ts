/** docs/diagnostics.md must match the code registry; SEQNET_UPDATE_DOCS=1 rewrites it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { diagnosticsMarkdown } from '../../src/diagnostics/markdown.js';
import { checkSpec } from '../../src/validate/index.js';

const path = join(import.meta.dirname, '../../docs/diagnostics.md');

describe('diagnostics registry', () => {
  it('docs/diagnostics.md is up to date', () => {
    const expected = diagnosticsMarkdown();
    if (process.env.SEQNET_UPDATE_DOCS === '1') writeFileSync(path, expected);
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });

  it('has unique codes, each with a title and an explanation', () => {
    const codes = DIAGNOSTIC_CODES.map((info) => info.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const info of DIAGNOSTIC_CODES) {
      expect(info.code).toMatch(/^SN\d{4}$/);
      expect(info.title.length).toBeGreaterThan(3);
      expect(info.explanation.length).toBeGreaterThan(20);
      expect(info.severity).toBe(info.code.startsWith('SN3') ? 'warning' : 'error');
    }
  });

  it('every SN1–SN3 example (completed into a spec where needed) triggers its own code', () => {
    const base = (body: string, extra = ''): string => `seqnet 1\nmodel m\ninput { steps 10; features 1 }\n${body}\nhead y { units 1 }\n${extra}\n`;
    const samples: Record<string, string> = {
      SN1002: base('lstm 32 {\n  recurent_activation sigmoid\n}'),
      SN1003: base('lstm 8 { activation tanhh }'),
      SN1004: base('lstm many'),
      SN1005: base('lstm 8 { dropout recurrent 1.5 }'),
      SN1007: base('lstm 32 2'),
      SN1011: base('lstm 8').replace('seqnet 1', 'seqnet 2'),
      SN2003: base('gru 32 { norm layer at gates { groups all } }'),
      SN2004: base('gru 32 { norm tf1_contrib }'),
      SN2010: base('lstm 8', 'data { source synthetic sine_cosine; split 0.8 0.1 0.2 }'),
      SN2016: base('indrnn 32 { initializer recurrent orthogonal }'),
      SN2017: base('indrnn 8 { initializer recurrent indrnn }').replace('steps 10', 'steps variable'),
      SN3001: base('gru 32 { forget_bias 1 }'),
    };
    for (const [code, source] of Object.entries(samples)) {
      expect(checkSpec(source, 'example.seqnet').diagnostics.map((d) => d.code), code).toContain(code);
    }
  });
});
