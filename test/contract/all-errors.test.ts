/**
 * `check` reports every independent error in one run, in source order, without the consequences of another
 * error, and at most 100 of them per file however many the input yields.
 */
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/diagnostics/render.js';
import { checkSpec } from '../../src/validate/index.js';

const located = (source: string, file = 'a.seqnet'): string[] =>
  checkSpec(source, file).diagnostics.map((d) => `${d.span?.startLine ?? 0}:${d.span?.startColumn ?? 0} ${d.code}`);

describe('schema errors and semantic errors in one run', () => {
  it('a schema error in train and a semantic error in the body, far apart', () => {
    const source = [
      'seqnet 1',
      'model m',
      'input { steps 10; features 1 }',
      'gru 8 { norm layer at cell }',
      'head y { units 1 }',
      '',
      '',
      'train { epochs -1 }',
      '',
    ].join('\n');
    expect(located(source)).toEqual(['4:23 SN2002', '8:16 SN1005']);
  });

  it('the same in the JSON form', () => {
    const source = JSON.stringify(
      {
        seqnet: 1,
        model: 'm',
        input: { steps: 10, features: 1 },
        body: [{ type: 'gru', units: 8, norm: [{ kind: 'layer', sites: ['cell'] }] }],
        heads: [{ name: 'y', units: 1, at: 'everywhere' }],
      },
      null,
      2,
    );
    expect(checkSpec(source, 'a.seqnet.json').diagnostics.map((d) => d.code)).toEqual(['SN2002', 'SN1003']);
  });

  it('a schema error in a head and a residual width error in the body', () => {
    const source = 'seqnet 1\nmodel m\ninput { steps 10; features 3 }\nlstm 8 { residual }\nhead y { units 1; activation tanhh }\n';
    expect(located(source)).toEqual(['4:10 SN2008', '5:30 SN1003']);
  });

  it('an unsupported version and an out-of-range value', () => {
    expect(located('seqnet 2\nmodel m\ninput { steps 10; features 0 }\nlstm 8\nhead y { units 1 }\n')).toEqual(['1:8 SN1011', '3:28 SN1005']);
  });

  it('a wrong description does not stop the checks of the body', () => {
    const source = 'seqnet 1\nmodel m\ndescription 5\ninput { steps 10; features 3 }\nlstm 8 { residual }\nhead y { units 1 }\n';
    expect(located(source)).toEqual(['3:13 SN1004', '5:10 SN2008']);
  });

  it('a syntax error in train and a semantic error in the body', () => {
    const source = 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\ngru 8 { norm layer at cell }\nhead y { units 1 }\ntrain { epochs 3 @ }\n';
    expect(located(source)).toEqual(['4:23 SN2002', '6:18 SN0001']);
  });

  it('a layer the parser recovered in is not reported missing as well', () => {
    expect(located('seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8 @\nhead y { units 1 }\n')).toEqual(['4:8 SN0001']);
  });

  it('checks that read a part with a schema error do not run (their findings could be consequences)', () => {
    // `bidirectional sideways` is rejected; without it the widths would differ, so no residual error is claimed.
    const source = 'seqnet 1\nmodel m\ninput { steps 10; features 8 }\nlstm 4 { bidirectional sideways; residual }\nhead y { units 1 }\n';
    expect(located(source)).toEqual(['4:24 SN1003']);
  });
});

describe('one mistake, one error', () => {
  it.each([
    ['imput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }', ['3:1 SN1002']],
    ['input { steps 10; featres 1 }\nlstm 8\nhead y { units 1 }', ['3:19 SN1002']],
    ['input { steps 10; features 1 }\nlstm 8\nhead y { unit 1 }', ['5:10 SN1002']],
    ['input { steps 10; features 1 }\nlstm 8\nhaed y { units 1 }', ['5:1 SN1002']],
    ['input { steps 10; features 1 }\nlsm 8\nhead y { units 1 }', ['4:1 SN1002']],
  ])('%s', (rest, expected) => {
    expect(located(`seqnet 1\nmodel m\n${rest}\n`)).toEqual(expected);
  });

  it('a missing statement with no near miss is still reported', () => {
    expect(located('seqnet 1\nmodel m\nlstm 8\nhead y { units 1 }\nfoo 1\n')).toEqual(['1:1 SN1006', '5:1 SN1002']);
  });
});

describe('diagnostics are capped per file', () => {
  const head = 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }\n';

  it('100 001 unknown statements: the first 100 in order, then a count of the rest', () => {
    const count = 100_001;
    const lines: string[] = [];
    for (let index = 0; index < count; index++) lines.push(`bogus_${index} 1`);
    const source = head + lines.join('\n');
    const { diagnostics, ir } = checkSpec(source, 'many.seqnet');
    expect(ir).toBeNull();
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics.slice(0, 100).map((d) => d.span?.startLine)).toEqual(Array.from({ length: 100 }, (_, index) => 6 + index));
    const last = diagnostics[100];
    expect([last.code, last.severity, last.message]).toEqual(['SN1013', 'error', `… and ${count - 100} more errors`]);
    const text = renderDiagnostics(diagnostics, new Map([['many.seqnet', source]]), { format: 'text', color: false });
    expect(text.endsWith(`${count} errors, 0 warnings\n`)).toBe(true);
    expect(text.length).toBeLessThan(100_000);
  });

  it('a one-line JSON file with 5 000 bad values renders a bounded output (not 5 000 copies of the line)', () => {
    const body = Array.from({ length: 5_000 }, () => ({ type: 'dense', units: -1 }));
    const source = JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 1, features: 1 }, body, heads: [{ name: 'y', units: 1 }] });
    const { diagnostics } = checkSpec(source, 'many.seqnet.json');
    expect(diagnostics).toHaveLength(101);
    expect(diagnostics[100].message).toBe('… and 4900 more errors');
    const text = renderDiagnostics(diagnostics, new Map([['many.seqnet.json', source]]), { format: 'text', color: false });
    expect(text.length).toBeLessThan(100_000);
    expect(renderDiagnostics(diagnostics, new Map(), { format: 'json', color: false }).length).toBeLessThan(100_000);
  });

  it('warnings alone are capped with a warning', () => {
    const layers = Array.from({ length: 150 }, () => 'gru 1 { forget_bias 1 }').join('\n');
    const { diagnostics, ir } = checkSpec(head.replace('lstm 8', layers), 'w.seqnet');
    expect(ir).not.toBeNull();
    expect(diagnostics.at(-1)?.code).toBe('SN3003');
    expect(diagnostics.at(-1)?.message).toBe('… and 50 more warnings');
  });
});
