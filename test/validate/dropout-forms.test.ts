/**
 * The in-cell dropout forms come from one table (src/variants/dropouts.ts): the schema, the vocabulary's usage
 * line, lowering, the runtime config's check and `seqnet explain` each take every form from it, so a new entry
 * reaches them all.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/validate/index.js';
import { SPEC_SCHEMA } from '../../src/validate/schema.js';
import { VOCABULARY } from '../../src/validate/vocabulary.js';
import { explainModel } from '../../src/explain/index.js';
import { checkConfig, type SeqnetRecurrentConfig } from '../../src/runtime/recurrent/config.js';
import { DROPOUT_FACTS, DROPOUT_FORMS, takesMask, type DropoutForm } from '../../src/variants/index.js';
import type { ModelIR, RecurrentLayerIR } from '../../src/ir/types.js';

type Schema = { properties?: Record<string, Schema>; oneOf?: Schema[]; items?: Schema; required?: string[] };

function recurrentDropoutSchema(): Schema {
  const body = (SPEC_SCHEMA.properties as Record<string, Schema>).body;
  const recurrent = body.items?.oneOf?.[0] as Schema;
  return recurrent.properties?.dropout as Schema;
}

/** A one-layer LSTM whose every dropout form is on at `rate`. */
function allForms(rate: number): ModelIR {
  const statements = DROPOUT_FORMS.map((form) => `  dropout ${form} ${rate}`).join('\n');
  const text = `seqnet 1\nmodel m\ninput { steps 4; features 2 }\nlstm 3 {\n${statements}\n}\nhead y { units 1 }\n`;
  const { ir, diagnostics } = checkSpec(text, 'forms.seqnet');
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  if (ir === null) throw new Error('no IR');
  return ir;
}

const fieldOf = (layer: RecurrentLayerIR, form: DropoutForm) => layer.dropout[DROPOUT_FACTS[form].field] ?? null;

describe('dropout forms from DROPOUT_FACTS', () => {
  it('the schema has one object per form, with a mask exactly where the form takes one', () => {
    const dropout = recurrentDropoutSchema();
    expect(Object.keys(dropout.properties ?? {})).toEqual([...DROPOUT_FORMS]);
    for (const form of DROPOUT_FORMS) {
      const fields = Object.keys(dropout.properties?.[form].properties ?? {});
      expect(fields).toEqual(takesMask(form) ? ['rate', 'mask'] : ['rate']);
      expect(dropout.properties?.[form].required).toEqual(['rate']);
    }
  });

  it('the usage line names every form, with the mask argument only after the forms that take one', () => {
    const usage = VOCABULARY.recurrent.dropout.usage ?? '';
    const alternatives = usage.split('  or  ').map((alternative) => ({ forms: alternative.split(' ')[0].split('|'), mask: alternative.includes('[per_step|per_sequence]') }));
    expect(alternatives.flatMap((alternative) => alternative.forms).sort()).toEqual([...DROPOUT_FORMS].sort());
    for (const { forms, mask } of alternatives) for (const form of forms) expect(mask).toBe(takesMask(form as DropoutForm));
  });

  it('lowering sets each form’s field, with its default mask lifetime where it takes one', () => {
    const layer = allForms(0.25).layers[0] as RecurrentLayerIR;
    for (const form of DROPOUT_FORMS) {
      const defaultMask = DROPOUT_FACTS[form].defaultMask;
      const mask = defaultMask === null ? {} : { mask: defaultMask === 'per_step' ? 'step' : 'sequence' };
      expect(fieldOf(layer, form)).toEqual({ rate: 0.25, ...mask });
    }
  });

  it('seqnet explain states every form that is on, by its title', () => {
    const text = explainModel(allForms(0.25));
    for (const form of DROPOUT_FORMS) expect(text).toContain(`${DROPOUT_FACTS[form].explain.title}: ${DROPOUT_FACTS[form].explain.symbol} ~ Bernoulli(0.75)`);
  });

  it('the runtime config rejects a rate outside [0, 1) in any form', () => {
    const layer = allForms(0.25).layers[0] as RecurrentLayerIR;
    for (const form of DROPOUT_FORMS) {
      const dropout = { ...layer.dropout, [DROPOUT_FACTS[form].field]: { ...fieldOf(layer, form), rate: 1 } };
      const config = { ...layer, dropout } as SeqnetRecurrentConfig;
      expect(() => checkConfig(config), form).toThrow('dropout rate must be in [0, 1), got 1');
    }
    expect(() => checkConfig({ ...layer } as SeqnetRecurrentConfig)).not.toThrow();
  });
});
