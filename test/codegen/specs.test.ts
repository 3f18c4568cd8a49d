import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateTypeScript } from '../../src/codegen/index.js';
import { compileModel } from '../../src/compile/index.js';
import { summarizeModel } from '../../src/explain/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import { checkSpec } from '../../src/validate/index.js';
import { expectSameModel, sampleInput } from './same-model.js';
import { typeCheck } from './typecheck.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPECS = readdirSync(`${ROOT}specs`).filter((name) => name.endsWith('.seqnet')).sort();
const SEED = 1234;

interface GeneratedModule {
  [key: string]: unknown;
  INPUT_SHAPE: readonly (number | null)[];
  HEAD_NAMES: readonly string[];
}

function load(name: string): { ir: ModelIR; text: string } {
  const { ir, diagnostics } = checkSpec(readFileSync(`${ROOT}specs/${name}`, 'utf8'), `specs/${name}`);
  if (ir === null) throw new Error(`specs/${name} does not validate: ${diagnostics.map((d) => d.message).join('; ')}`);
  return { ir, text: generateTypeScript(ir, { sourcePath: `specs/${name}` }) };
}

const base = (name: string) => name.replace(/\.seqnet$/, '');
const pascal = (name: string) => name.split('_').map((part) => part[0].toUpperCase() + part.slice(1)).join('');

/** The trainable and non-trainable counts printed by tfjs's own `model.summary()`. */
function tfjsSummaryCounts(model: tf.LayersModel): { trainable: number; nonTrainable: number } {
  const lines: string[] = [];
  model.summary(200, undefined, (line: string) => lines.push(line));
  const count = (label: string) => Number(lines.find((line) => line.startsWith(label))?.slice(label.length).replace(/,/g, '').trim());
  return { trainable: count('Trainable params:'), nonTrainable: count('Non-trainable params:') };
}

// tfjs's orthogonal initializer (a QR decomposition) takes seconds per large matrix on the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('generated/ for every spec', () => {
  const loaded = new Map(SPECS.map((name) => [name, load(name)]));

  it('is committed and up to date', () => {
    for (const [name, { text }] of loaded) expect(readFileSync(`${ROOT}generated/${base(name)}.ts`, 'utf8')).toBe(text);
  });

  it('generates byte-identical output twice', () => {
    for (const [name, { ir, text }] of loaded) expect(generateTypeScript(structuredClone(ir), { sourcePath: `specs/${name}` })).toBe(text);
  });

  it('type-checks under --strict', () => {
    const errors = typeCheck(new Map([...loaded].map(([name, { text }]) => [`${base(name)}.ts`, text])));
    expect(errors).toEqual([]);
  });

  describe.each(SPECS)('%s', (name) => {
    let generated: GeneratedModule;
    beforeAll(async () => {
      generated = (await import(`../../generated/${base(name)}.ts`)) as GeneratedModule;
    });

    it('builds the same model as compileModel with the same seed; the summary counts its weights', () => {
      const { ir } = loaded.get(name) as { ir: ModelIR };
      const build = generated[`build${pascal(ir.name)}`] as (options: { seed?: number; compile?: boolean }) => tf.LayersModel;
      const fromCode = build({ seed: SEED, compile: false });
      const compiled = compileModel(ir, { seed: SEED, compile: false });
      expectSameModel(fromCode, compiled, sampleInput(generated.INPUT_SHAPE, ir.input.padding));
      expect(generated.HEAD_NAMES).toEqual(ir.heads.map((head) => head.name));
      const { trainable, nonTrainable } = summarizeModel(ir);
      expect({ trainable, nonTrainable }).toEqual(tfjsSummaryCounts(compiled));
    });
  });
});
