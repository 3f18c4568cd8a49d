/** The diagnostics renderer: location line, code frame with gutter and carets, hint, count line; and JSON. */
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/diagnostics/render.js';
import { LineIndex } from '../../src/diagnostics/spans.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { checkSpec } from '../../src/validate/index.js';

const source = 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8 {\n  recurent_activation sigmoid\n}\nhead y { units 1 }\n';

function at(text: string, start: number, end: number): Diagnostic['span'] {
  return new LineIndex(text).span(start, end);
}

describe('text format', () => {
  it('renders a real diagnostic with a code frame, hint and count', () => {
    const { diagnostics } = checkSpec(source, 'spec.seqnet');
    const text = renderDiagnostics(diagnostics, new Map([['spec.seqnet', source]]), { format: 'text', color: false });
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      "spec.seqnet:5:3: error[SN1002]: unknown statement 'recurent_activation' in 'lstm'",
      '4 | lstm 8 {',
      '5 |   recurent_activation sigmoid',
      '  |   ^^^^^^^^^^^^^^^^^^^',
    ]);
    expect(lines[4]).toMatch(/^hint: did you mean 'recurrent_activation'\?/);
    expect(lines.slice(5)).toEqual(['', '1 error, 0 warnings', '']);
  });

  it("names a tagged block's own fields for a field of another branch, and narrows did-you-mean to them", () => {
    const spec = (optimizer: string) => `seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }\ntrain { ${optimizer} }\n`;
    const [foreign] = checkSpec(spec('optimizer sgd { beta1 0.9 }'), 's.seqnet').diagnostics;
    expect(foreign.message).toBe("unknown statement 'beta1' in 'optimizer sgd'");
    expect(foreign.hint).toBe("'beta1' belongs to another optimizer type; sgd takes: learning_rate, momentum, nesterov");
    const [typo] = checkSpec(spec('optimizer rmsprop { momentun 0.9 }'), 's.seqnet').diagnostics;
    expect(typo.hint).toBe("did you mean 'momentum'? (allowed here: learning_rate, epsilon, momentum, decay)");
  });

  it('underlines an empty span with one caret and widens the gutter for long line numbers', () => {
    const text = `${'\n'.repeat(9)}abc def\n`;
    const diagnostic: Diagnostic = { code: 'SN3001', severity: 'warning', message: 'm', file: 'f', span: at(text, 13, 13) };
    const rendered = renderDiagnostics([diagnostic], new Map([['f', text]]), { format: 'text', color: false });
    expect(rendered).toBe(['f:10:5: warning[SN3001]: m', ' 9 | ', '10 | abc def', '   |     ^', '', '0 errors, 1 warning', ''].join('\n'));
  });

  it('underlines a multi-line span to the end of its first line, and omits the frame without a source', () => {
    const text = 'ab {\n  c\n}\n';
    const diagnostic: Diagnostic = { code: 'SN1012', severity: 'error', message: 'm', file: 'f', span: at(text, 3, 10), hint: 'h' };
    expect(renderDiagnostics([diagnostic], new Map([['f', text]]), { format: 'text', color: false })).toBe(
      ['f:1:4: error[SN1012]: m', '1 | ab {', '  |    ^', 'hint: h', '', '1 error, 0 warnings', ''].join('\n'),
    );
    expect(renderDiagnostics([diagnostic], new Map(), { format: 'text', color: false })).toBe(['f:1:4: error[SN1012]: m', 'hint: h', '', '1 error, 0 warnings', ''].join('\n'));
  });

  it('colors only when asked, and renders nothing for no diagnostics', () => {
    const diagnostic: Diagnostic = { code: 'SN1000', severity: 'error', message: 'cannot read', file: 'f', span: null };
    expect(renderDiagnostics([diagnostic], new Map(), { format: 'text', color: true })).toContain('\u001b[');
    expect(renderDiagnostics([diagnostic], new Map(), { format: 'text', color: false })).not.toContain('\u001b[');
    expect(renderDiagnostics([], new Map(), { format: 'text', color: false })).toBe('');
  });
});

describe('json format', () => {
  it('is a stable array of plain objects', () => {
    const diagnostics: Diagnostic[] = [
      { code: 'SN1000', severity: 'error', message: 'cannot read', file: 'a', span: null },
      { code: 'SN3001', severity: 'warning', message: 'w', file: 'b', span: at('xy\nzw', 3, 5), hint: 'h' },
    ];
    expect(JSON.parse(renderDiagnostics(diagnostics, new Map(), { format: 'json', color: true }))).toEqual([
      { file: 'a', severity: 'error', code: 'SN1000', message: 'cannot read', line: null, column: null, endLine: null, endColumn: null, startOffset: null, endOffset: null, hint: null },
      { file: 'b', severity: 'warning', code: 'SN3001', message: 'w', line: 2, column: 1, endLine: 2, endColumn: 3, startOffset: 3, endOffset: 5, hint: 'h' },
    ]);
  });
});
