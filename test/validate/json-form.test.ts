/** `.seqnet.json` input: the same schema and checks, with diagnostics pointing into the JSON text. */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/validate/index.js';

const valid = {
  seqnet: 1,
  model: 'm',
  input: { steps: 10, features: 1 },
  body: [{ type: 'lstm', units: 8 }],
  heads: [{ name: 'y', units: 1 }],
};

function located(text: string): string[] {
  return checkSpec(text, 'spec.seqnet.json').diagnostics.map((d) => `${d.code} ${d.span === null ? '-' : text.slice(d.span.startOffset, d.span.endOffset)}`);
}

describe('.seqnet.json', () => {
  it('accepts a valid document and lowers it', () => {
    const { diagnostics, ir } = checkSpec(JSON.stringify(valid), 'spec.seqnet.json');
    expect(diagnostics).toEqual([]);
    expect(ir?.layers[0].name).toBe('lstm_1');
  });

  it('reports invalid JSON at the offending character', () => {
    const text = '{ "seqnet": 1, }';
    const [diagnostic] = checkSpec(text, 'spec.seqnet.json').diagnostics;
    expect(diagnostic.code).toBe('SN1001');
    expect(diagnostic.span?.startColumn).toBe(16);
  });

  it('points unknown fields at their key, bad values at the value, missing fields at the object key', () => {
    const text = JSON.stringify({ ...valid, input: { steps: 10 }, body: [{ type: 'lstm', units: 8, recurent: 1, activation: 'tanhh' }] }, null, 1);
    expect(located(text).sort()).toEqual(['SN1002 "recurent"', 'SN1003 "tanhh"', 'SN1006 "input"']);
  });

  it('reports an unknown body type once, at the type', () => {
    const text = JSON.stringify({ ...valid, body: [{ type: 'lstn', units: 8, bogus: true }] });
    expect(located(text)).toEqual(['SN1003 "lstn"']);
  });

  it('requires a norm entry to be a preset or a kind with sites', () => {
    const text = JSON.stringify({ ...valid, body: [{ type: 'lstm', units: 8, norm: [{ kind: 'layer' }] }] });
    expect(located(text)).toEqual(['SN2012 {']);
  });

  it('rejects a document that is not an object', () => {
    expect(located('[1, 2]').map((entry) => entry.split(' ')[0])).toEqual(['SN1004']);
  });
});

describe('schema', () => {
  it('documents every property and closes every object', async () => {
    const { SPEC_SCHEMA } = await import('../../src/validate/schema.js');
    const problems: string[] = [];
    const walk = (schema: Record<string, unknown>, path: string): void => {
      if (schema.type === 'object' && schema.properties !== undefined && schema.additionalProperties !== false) problems.push(`${path} is open`);
      for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== 'string') problems.push(`${path}/${name} has no description`);
        walk(child, `${path}/${name}`);
      }
      if (typeof schema.items === 'object' && schema.items !== null) walk(schema.items as Record<string, unknown>, `${path}[]`);
      for (const branch of (schema.oneOf ?? []) as Record<string, unknown>[]) walk(branch, `${path}|`);
    };
    walk(SPEC_SCHEMA, '');
    expect(problems).toEqual([]);
  });
});

describe('docs/language.md', () => {
  it('its JSON-form example is a valid spec', async () => {
    const { readFileSync } = await import('node:fs');
    const markdown = readFileSync(new URL('../../docs/language.md', import.meta.url), 'utf8');
    const example = markdown.split('```json\n')[1]?.split('```')[0] ?? '';
    const { diagnostics, ir } = checkSpec(example, 'example.seqnet.json');
    expect(diagnostics).toEqual([]);
    expect(ir?.layers.map((layer) => layer.name)).toEqual(['lstm_1', 'lstm_2', 'norm_1', 'dropout_1', 'dense_1']);
  });
});
