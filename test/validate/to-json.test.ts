/** The AST → JSON-form mapping: argument names per statement, spans for keys and values, structural errors. */
import { describe, expect, it } from 'vitest';
import { toJsonForm } from '../../src/validate/index.js';

function form(source: string): ReturnType<typeof toJsonForm> {
  return toJsonForm(source, 't.seqnet');
}

function textAt(source: string, span: { startOffset: number; endOffset: number } | null | undefined): string | undefined {
  return span === null || span === undefined ? undefined : source.slice(span.startOffset, span.endOffset);
}

describe('statement mapping', () => {
  it('names positional arguments per statement kind', () => {
    const source = [
      'seqnet 1',
      'model m',
      'input { steps variable; features 2; padding -1 }',
      'lstm 64 x 3 {',
      '  norm layer at input recurrent { epsilon 1e-3 }',
      '  norm ba2016',
      '  dropout input 0.1 per_step',
      '  zoneout hidden 0.05',
      '  forget_bias 1 constant',
      '  initializer kernel he_normal',
      '  bidirectional',
      '  residual',
      '}',
      'dropout 0.2 per_sequence',
      'head y { units 1; metrics mae mse }',
      'train { clip norm 5; early_stopping 3; optimizer sgd { momentum 0.9 } }',
      'data { source csv "a.csv" { features a b; targets c }; split 0.7 0.2 0.1 }',
    ].join('\n');
    const { document, diagnostics } = form(source);
    expect(diagnostics).toEqual([]);
    expect(document).toEqual({
      seqnet: 1,
      model: 'm',
      input: { steps: 'variable', features: 2, padding: -1 },
      body: [
        {
          type: 'lstm',
          units: 64,
          repeat: 3,
          norm: [{ kind: 'layer', sites: ['input', 'recurrent'], epsilon: 1e-3 }, { preset: 'ba2016' }],
          dropout: { input: { rate: 0.1, mask: 'per_step' } },
          zoneout: { hidden: 0.05 },
          forget_bias: { value: 1, mode: 'constant' },
          initializer: { kernel: 'he_normal' },
          bidirectional: true,
          residual: true,
        },
        { type: 'dropout', rate: 0.2, mask: 'per_sequence' },
      ],
      heads: [{ name: 'y', units: 1, metrics: ['mae', 'mse'] }],
      train: { clip: { norm: 5 }, early_stopping: { patience: 3 }, optimizer: { type: 'sgd', momentum: 0.9 } },
      data: { source: { type: 'csv', path: 'a.csv', features: ['a', 'b'], targets: ['c'] }, split: { train: 0.7, validation: 0.2, test: 0.1 } },
    });
  });

  it('records spans for keys and values', () => {
    const source = 'seqnet 1\nlstm 64 x 3 {\n  norm layer at input recurrent\n  dropout input 0.1\n}\n';
    const { spans } = form(source);
    expect(textAt(source, spans.get('/body/0/repeat')?.value)).toBe('3');
    expect(textAt(source, spans.get('/body/0/type')?.key)).toBe('lstm');
    expect(textAt(source, spans.get('/body/0/norm/0/sites/1')?.value)).toBe('recurrent');
    expect(textAt(source, spans.get('/body/0/norm/0')?.header)).toBe('norm layer at input recurrent');
    expect(textAt(source, spans.get('/body/0/dropout/input')?.key)).toBe('input');
    expect(textAt(source, spans.get('/body/0/dropout/input/rate')?.value)).toBe('0.1');
    expect(textAt(source, spans.get('/seqnet')?.value)).toBe('1');
  });

  it('keeps unknown keywords so the schema can report them at the keyword', () => {
    const source = 'seqnet 1\nlstm 8 { recurent 2 }\nwibble { x 1 }\n';
    const { document, spans, diagnostics } = form(source);
    expect(diagnostics).toEqual([]);
    const object = document as Record<string, unknown>;
    expect(object.body).toEqual([{ type: 'lstm', units: 8, recurent: 2 }]);
    expect(object.wibble).toEqual({});
    expect(textAt(source, spans.get('/body/0/recurent')?.key)).toBe('recurent');
  });
});

describe('structural diagnostics', () => {
  const codesAt = (source: string): string[] =>
    form(source).diagnostics.map((d) => `${d.code} ${textAt(source, d.span)}`);

  it('reports argument problems with the offending text', () => {
    expect(codesAt('lstm')).toEqual(['SN1007 lstm']);
    expect(codesAt('lstm 8 x')).toEqual(["SN1007 x"]);
    expect(codesAt('split 1 2 3 4')).toEqual([]);
    expect(codesAt('data { split 0.5 0.5 }')).toEqual(['SN1007 split 0.5 0.5']);
    expect(codesAt('head y { metrics }')).toEqual(['SN1007 metrics']);
    expect(codesAt('lstm 8 { dropout 0.1 }')).toEqual(['SN1007 0.1']);
  });

  it('reports the second of two non-repeatable statements, including keyed ones', () => {
    expect(codesAt('model a\nmodel b')).toEqual(['SN1008 model b']);
    expect(codesAt('lstm 8 { zoneout cell 0.1; zoneout cell 0.2; zoneout hidden 0.1 }')).toEqual(['SN1008 zoneout cell 0.2']);
  });

  it('lets repeatable statements repeat', () => {
    expect(codesAt('seqnet 1\nlstm 8 { norm ba2016; norm layer at cell }\nlstm 8\nhead a { units 1 }\nhead b { units 1 }')).toEqual([]);
  });
});
