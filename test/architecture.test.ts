/**
 * The data flow runs one way: text → tokens (grammar/) → CST → AST (src/ast) → validated spec (src/validate)
 * → IR (src/ir) → tfjs model (src/compile) | TypeScript (src/codegen), with training (src/train, src/data,
 * src/io, src/backend) and the CLI on top. These tests hold the import graph to that order, and keep
 * `seqnet/runtime` free of the compiler so generated code and browser apps stay small.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface ImportEdge {
  from: string;
  /** Repository-relative path of a local import, or the package name of a bare one. */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[3];
    const local = specifier.startsWith('.');
    const to = local ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { from: file, to, typeOnly: match[2] !== undefined };
  });
}

const edges = ['grammar', 'src'].flatMap(sourceFiles).flatMap(importsOf);
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

/** Stages in data-flow order; a stage may import itself and earlier stages only. */
const STAGES = [
  ['src/diagnostics', 'grammar', 'src/ast', 'src/format'],
  ['src/validate', 'src/ir'],
  ['src/runtime'],
  ['src/compile', 'src/codegen', 'src/explain'],
  ['src/backend', 'src/io', 'src/data', 'src/train'],
  ['src/cli'],
];

function stageOf(path: string): number {
  const index = STAGES.findIndex((folders) => folders.some((folder) => under(folder)(path)));
  return index === -1 ? STAGES.length : index;
}

describe('architecture', () => {
  it('finds the import graph (the scanner itself works)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((edge) => edge.from.startsWith('src/compile/') && edge.to.startsWith('src/runtime/'))).toBe(true);
  });

  it('seqnet/runtime imports only tfjs, itself, and IR types', () => {
    const offending = edges
      .filter((edge) => under('src/runtime')(edge.from))
      .filter((edge) => {
        if (edge.to === '@tensorflow/tfjs' || under('src/runtime')(edge.to)) return false;
        return !(edge.typeOnly && edge.to === 'src/ir/types.ts');
      });
    expect(offending).toEqual([]);
  });

  it('no stage imports a later one (type-only imports of a validated form included)', () => {
    const backwards = edges
      .filter((edge) => edge.to.startsWith('src/') || edge.to.startsWith('grammar/'))
      .filter((edge) => stageOf(edge.to) > stageOf(edge.from))
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(backwards).toEqual([]);
  });

  it('the compiler libraries stay in their stages', () => {
    const owners: Record<string, string[]> = {
      chevrotain: ['grammar', 'src/ast'],
      ajv: ['src/validate'],
      'ts-morph': ['src/codegen'],
    };
    const misplaced = edges
      .filter((edge) => edge.to in owners)
      .filter((edge) => !owners[edge.to].some((folder) => under(folder)(edge.from)))
      .map((edge) => `${edge.from} imports ${edge.to}`);
    expect(misplaced).toEqual([]);
  });
});
