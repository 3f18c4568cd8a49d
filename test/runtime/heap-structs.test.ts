/**
 * The struct field orders of `heap/structs.ts` are the AssemblyScript classes' own: each field of `Cell`,
 * `Norm`, `Train`, `Site`, `BatchSite` and `LstmNorms` by name and type, in declaration order (the order the compiled kernels read them in).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH_SITE_FIELDS, CELL_FIELDS, LSTM_NORMS_FIELDS, NORM_FIELDS, SITE_FIELDS, TRAIN_FIELDS } from '../../src/runtime/recurrent/heap/structs.js';
import type { FieldOrder } from '../../src/runtime/recurrent/heap/structs.js';

const ASSEMBLY = join(import.meta.dirname, '../../src/runtime/recurrent/heap/assembly');

/** The `name: type;` fields of `export class NAME { … }` in an AssemblyScript file, in order. */
function classFields(file: string, name: string): [string, string][] {
  const text = readFileSync(join(ASSEMBLY, file), 'utf8');
  const body = new RegExp(`export class ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1];
  if (body === undefined) throw new Error(`no class ${name} in ${file}`);
  return [...body.matchAll(/^\s+(\w+): (\w+);/gm)].map((match) => [match[1], match[2]]);
}

const order = (fields: FieldOrder) => fields.map(([name, type]) => [name, type]);

describe('heap struct field orders', () => {
  it('CELL_FIELDS is the field order of assembly/cells.ts Cell', () => {
    const fields = classFields('cells.ts', 'Cell');
    expect(fields.length).toBeGreaterThan(10);
    expect(order(CELL_FIELDS)).toEqual(fields);
  });

  it('NORM_FIELDS is the field order of assembly/norm.ts Norm', () => {
    const fields = classFields('norm.ts', 'Norm');
    expect(fields.length).toBeGreaterThan(5);
    expect(order(NORM_FIELDS)).toEqual(fields);
  });

  it('TRAIN_FIELDS is the field order of assembly/train.ts Train', () => {
    const fields = classFields('train.ts', 'Train');
    expect(fields.length).toBeGreaterThan(10);
    expect(order(TRAIN_FIELDS)).toEqual(fields);
  });

  it('SITE_FIELDS and LSTM_NORMS_FIELDS are the field orders of assembly/train-norm.ts Site and train-lstm-norms.ts LstmNorms', () => {
    expect(order(SITE_FIELDS)).toEqual(classFields('train-norm.ts', 'Site'));
    expect(order(LSTM_NORMS_FIELDS)).toEqual(classFields('train-lstm-norms.ts', 'LstmNorms'));
    expect(SITE_FIELDS.length + LSTM_NORMS_FIELDS.length).toBeGreaterThan(10);
  });

  it('BATCH_SITE_FIELDS is the field order of assembly/train-batch-norm.ts BatchSite', () => {
    const fields = classFields('train-batch-norm.ts', 'BatchSite');
    expect(fields.length).toBeGreaterThan(10);
    expect(order(BATCH_SITE_FIELDS)).toEqual(fields);
  });
});
