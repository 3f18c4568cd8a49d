/** Every size has an upper bound that `check` reports at the value, and the whole model has a parameter budget. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/validate/index.js';
import { summarizeModel } from '../../src/explain/index.js';
import { parameterCounts } from '../../src/validate/checks/size.js';
import { LIMITS } from '../../src/validate/limits.js';
import { generateSpec } from './spec-generator.js';

const spec = (parts: { input?: string; body?: string; head?: string; train?: string; data?: string }): string =>
  [
    'seqnet 1',
    'model m',
    `input { ${parts.input ?? 'steps 10; features 1'} }`,
    parts.body ?? 'lstm 4',
    `head y { ${parts.head ?? 'units 1'} }`,
    `train { ${parts.train ?? 'epochs 1'} }`,
    parts.data ?? '',
    '',
  ].join('\n');

/** A spec with one size set to `value`, and the text of that value (where the error must point). */
const FIELDS: Record<string, (value: number) => string> = {
  'lstm units': (value) => spec({ body: `lstm ${value}` }),
  'dense units': (value) => spec({ body: `lstm 1\ndense ${value}` }),
  'head units': (value) => spec({ body: 'lstm 1', head: `units ${value}` }),
  features: (value) => spec({ input: `steps 1; features ${value}`, body: 'lstm 1' }),
  steps: (value) => spec({ input: `steps ${value}; features 1`, body: 'lstm 1' }),
  max_steps: (value) => spec({ input: 'steps variable; features 1', body: `lstm 1 { norm batch at input { max_steps ${value} } }` }),
  repeat: (value) => spec({ body: `lstm 1 x ${value}` }),
  batch_size: (value) => spec({ train: `batch_size ${value}` }),
  epochs: (value) => spec({ train: `epochs ${value}` }),
  patience: (value) => spec({ train: `early_stopping ${value}` }),
  seed: (value) => spec({ train: `seed ${value}` }),
  samples: (value) => spec({ data: `data { source synthetic sine_cosine { samples ${value} } }`, head: 'units 1; at each_step' }),
  window: (value) => spec({ data: `data { source text "t.txt" { window ${value} } }` }),
  gamma: (value) => spec({ body: `lstm 4 { norm layer at hidden { gamma ${value} } }` }),
  forget_bias: (value) => spec({ body: `lstm 4 { forget_bias ${value} }` }),
  weight: (value) => spec({ head: `units 1; weight ${value}` }),
  epsilon: (value) => spec({ body: `lstm 4 { norm rms at input { epsilon ${value} } }` }),
  learning_rate: (value) => spec({ train: `optimizer sgd { learning_rate ${value} }` }),
};

const LIMIT_OF: Record<string, number> = {
  'lstm units': LIMITS.units,
  'dense units': LIMITS.units,
  'head units': LIMITS.units,
  features: LIMITS.features,
  steps: LIMITS.steps,
  max_steps: LIMITS.steps,
  repeat: LIMITS.repeat,
  batch_size: LIMITS.batchSize,
  epochs: LIMITS.epochs,
  patience: LIMITS.epochs,
  seed: LIMITS.seed,
  samples: LIMITS.samples,
  window: LIMITS.steps,
  gamma: LIMITS.magnitude,
  forget_bias: LIMITS.magnitude,
  weight: LIMITS.magnitude,
  epsilon: LIMITS.epsilon,
  learning_rate: LIMITS.learningRate,
};

describe('per-field bounds', () => {
  for (const [field, make] of Object.entries(FIELDS)) {
    it(`${field}: the limit passes the schema, one more is SN1005 at the value with the limit in the hint`, () => {
      const limit = LIMIT_OF[field];
      expect(checkSpec(make(limit), 'l.seqnet').diagnostics.filter((d) => d.code === 'SN1005')).toEqual([]);
      const source = make(limit + 1);
      const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.code === 'SN1005');
      expect(errors).toHaveLength(1);
      expect(source.slice(errors[0].span!.startOffset, errors[0].span!.endOffset)).toBe(String(limit + 1));
      expect(errors[0].hint).toContain(`≤ ${limit}`);
    });
  }

  it('lstm 1e12 is an error at the number', () => {
    const source = spec({ body: 'lstm 1e12' });
    const [error] = checkSpec(source, 'l.seqnet').diagnostics;
    expect([error.code, error.span?.startLine, error.span?.startColumn]).toEqual(['SN1005', 4, 6]);
  });
});

describe('whole-model bounds (SN2015)', () => {
  it('ten layers of 60 000 units: reported at the first layer that crosses the parameter budget', () => {
    const source = spec({ body: 'lstm 8\nlstm 60000 x 10' });
    const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.startLine])).toEqual([['SN2015', 5]]);
    expect(errors[0].message).toContain("'lstm_2' brings the model to");
  });

  it('dense layers that each fit but not together: reported at the one that crosses the budget', () => {
    const source = spec({ body: 'lstm 8\ndense 5000\ndense 5000\ndense 5000' });
    const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.startLine])).toEqual([['SN2015', 7]]);
  });

  it('a model just under the budget passes', () => {
    const source = spec({ body: 'lstm 8\ndense 5000\ndense 5000' });
    expect(checkSpec(source, 'l.seqnet').ir).not.toBeNull();
  });

  it('more than 1000 layers after expansion: reported at the stack that crosses the count', () => {
    const source = spec({ body: 'lstm 2 x 100\n'.repeat(11) });
    const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.startLine])).toEqual([['SN2015', 14]]);
  });
});

describe('the parameter count of the size check', () => {
  it('equals seqnet summary\'s for the example specs and 40 generated ones', () => {
    const folder = join(import.meta.dirname, '../../specs');
    const examples = readdirSync(folder).filter((name) => name.endsWith('.seqnet')).map((name) => readFileSync(join(folder, name), 'utf8'));
    const generated = Array.from({ length: 40 }, (_, index) => generateSpec(index + 1).text);
    for (const source of [...examples, ...generated]) {
      const { ir } = checkSpec(source, 'count.seqnet');
      const summary = summarizeModel(ir!);
      const counted = parameterCounts(ir!).reduce((sum, count) => sum + count, 0);
      expect(counted, source).toBe(summary.trainable + summary.nonTrainable);
    }
  });
});

describe('batch and data bounds (SN2015)', () => {
  it('a batch too large for the widest layer is reported at batch_size', () => {
    const source = spec({ input: 'steps 10000; features 1', body: 'lstm 1024', train: 'batch_size 8192' });
    const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, source.slice(d.span!.startOffset, d.span!.endOffset)])).toEqual([['SN2015', '8192']]);
    expect(errors[0].span?.startLine).toBe(6);
  });

  it('a synthetic data set too large to generate is reported at its source', () => {
    const source = spec({ input: 'steps 1000; features 1', head: 'units 1; at each_step', data: 'data { source synthetic sine_cosine { samples 1000000 } }' });
    const errors = checkSpec(source, 'l.seqnet').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.startLine])).toEqual([['SN2015', 7]]);
    expect(errors[0].message).toContain('over the limit of 200 000 000');
  });
});

describe('docs/language.md', () => {
  it('lists every limit', () => {
    const docs = readFileSync(join(import.meta.dirname, '../../docs/language.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Limits'), docs.indexOf('## Names'));
    for (const [name, limit] of Object.entries(LIMITS)) {
      const written = String(limit).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
      expect(section, name).toMatch(new RegExp(`\\| ${written} \\|`));
    }
  });
});
