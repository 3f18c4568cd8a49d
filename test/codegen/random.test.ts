import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTypeScript } from '../../src/codegen/index.js';
import { compileModel } from '../../src/compile/index.js';
import { randomModelIR } from './random-ir.js';
import { expectSameModel, sampleInput } from './same-model.js';
import { typeCheck } from './typecheck.js';

/** Inside the repository so that imports resolve; a dot folder, so tsc's globs skip it. */
const TEMPORARY = fileURLToPath(new URL('./.tmp-random/', import.meta.url));
const SEEDS = Array.from({ length: 20 }, (_, index) => 1000 + index);
const cases = SEEDS.map((seed) => {
  const ir = randomModelIR(seed);
  return { seed, ir, text: generateTypeScript(ir, { sourcePath: `specs/${ir.name}.seqnet` }) };
});

afterAll(() => rmSync(TEMPORARY, { recursive: true, force: true }));

describe('random valid IRs', () => {
  it('generate code that type-checks under --strict', () => {
    expect(typeCheck(new Map(cases.map(({ ir, text }) => [`${ir.name}.ts`, text])))).toEqual([]);
  });

  it.each(cases.map((entry) => [entry.seed, entry] as const))('seed %i builds the model compileModel builds', async (_seed, { ir, text }) => {
    mkdirSync(TEMPORARY, { recursive: true });
    const file = `${TEMPORARY}${ir.name}.ts`;
    writeFileSync(file, text);
    const generated = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const builderName = `build${ir.name.split('_').map((part) => part[0].toUpperCase() + part.slice(1)).join('')}`;
    const build = generated[builderName] as (options: { seed?: number; compile?: boolean }) => tf.LayersModel;
    const fromCode = build({});
    const compiled = compileModel(ir);
    expectSameModel(fromCode, compiled, sampleInput([ir.input.steps, ir.input.features], ir.input.padding));
  });
});
