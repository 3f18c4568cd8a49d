/**
 * Keys that name Object.prototype's members (`__proto__`, `constructor`, …) are ordinary unknown keys: reported
 * at the key, never a prototype change that hides settings, never a lookup that finds an inherited method.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../../src/validate/index.js';

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** JSON documents with `KEY` at several depths; the value under KEY would change a setting if it were applied. */
const JSON_PLACES: Record<string, (key: string) => string> = {
  top: (key) => `{"seqnet":1,"${key}":{"model":"hidden"},"model":"m","input":{"steps":10,"features":1},"body":[{"type":"lstm","units":8}],"heads":[{"name":"y","units":1}]}`,
  input: (key) => `{"seqnet":1,"model":"m","input":{"steps":10,"features":1,"${key}":{"padding":3}},"body":[{"type":"lstm","units":8}],"heads":[{"name":"y","units":1}]}`,
  'lstm dropout': (key) => `{"seqnet":1,"model":"m","input":{"steps":10,"features":1},"body":[{"type":"lstm","units":8,"dropout":{"${key}":{"rate":0.5}}}],"heads":[{"name":"y","units":1}]}`,
  train: (key) => `{"seqnet":1,"model":"m","input":{"steps":10,"features":1},"body":[{"type":"lstm","units":8}],"heads":[{"name":"y","units":1}],"train":{"${key}":{"epochs":3}}}`,
};

/** `.seqnet` texts with `KEY` as a statement keyword, or as the key of a keyed statement. */
const SEQNET_PLACES: Record<string, (key: string) => string> = {
  top: (key) => `seqnet 1\nmodel m\n${key} 1\ninput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }\n`,
  input: (key) => `seqnet 1\nmodel m\ninput { steps 10; features 1; ${key} 5 }\nlstm 8\nhead y { units 1 }\n`,
  lstm: (key) => `seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8 { ${key} 5 }\nhead y { units 1 }\n`,
  initializer: (key) => `seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8 { initializer ${key} orthogonal }\nhead y { units 1 }\n`,
  'train block': (key) => `seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }\ntrain { ${key} { epochs 3 } }\n`,
};

function expectOneUnknownKeyAt(source: string, fileName: string, key: string): void {
  const { diagnostics, ir } = checkSpec(source, fileName);
  expect(ir).toBeNull();
  const errors = diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => d.code)).toEqual(['SN1002']);
  const span = errors[0].span!;
  const written = source.slice(span.startOffset, span.endOffset);
  expect(written.replace(/"/g, '')).toBe(key);
}

describe('.seqnet.json keys', () => {
  for (const [place, make] of Object.entries(JSON_PLACES)) {
    it.each(KEYS)(`%s in ${place} is an unknown field at the key`, (key) => {
      expectOneUnknownKeyAt(make(key), 'p.seqnet.json', key);
    });
  }
});

describe('.seqnet statements', () => {
  for (const [place, make] of Object.entries(SEQNET_PLACES)) {
    it.each(KEYS)(`%s in ${place} is an unknown statement at the keyword`, (key) => {
      expectOneUnknownKeyAt(make(key), 'p.seqnet', key);
    });
  }
});
