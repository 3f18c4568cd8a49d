/**
 * The data flow runs one way: text → tokens (grammar/) → CST → AST (src/ast) → the spec's JSON form, checked
 * and lowered to the IR (src/ir, src/validate) → tfjs model (src/compile) | TypeScript (src/codegen), with
 * training (src/train, src/data, src/io, src/backend) and the CLI and the `seqnet/node` entry on top.
 *
 * Within the front end the IR comes first: src/ir holds the JSON form's types, the IR and the lowering from one
 * to the other; src/validate (JSON Schema, then semantic checks that read both the JSON form and the lowered
 * IR, e.g. parameter counts) calls the lowering and imports src/ir, never the reverse. Facts that several
 * stages need (the synthetic tasks' shapes, say) live in the earliest stage that needs them.
 *
 * These tests hold the import graph to that order, keep `seqnet/runtime` free of the compiler and of Node's
 * modules so generated code and browser apps stay small and portable, and keep `seqnet/node` (loading trained
 * runs) and the CLI's error triage free of the compiler too.
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
/** `import './x.js';`, imported for its side effects (registering layer classes). */
const SIDE_EFFECT_IMPORT = /^\s*import\s+'([^']+)'/gm;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [
    ...[...text.matchAll(IMPORT)].map((match) => ({ specifier: match[3], typeOnly: match[2] !== undefined })),
    ...[...text.matchAll(SIDE_EFFECT_IMPORT)].map((match) => ({ specifier: match[1], typeOnly: false })),
  ];
  return found.map(({ specifier, typeOnly }) => {
    const local = specifier.startsWith('.');
    const to = local ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { from: file, to, typeOnly };
  });
}

const edges = ['grammar', 'src'].flatMap(sourceFiles).flatMap(importsOf);
const under = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

/** Stages in data-flow order; a stage may import itself and earlier stages only. */
const STAGES = [
  ['src/variants', 'src/diagnostics', 'grammar', 'src/ast', 'src/format'],
  ['src/ir'],
  ['src/validate'],
  ['src/runtime'],
  ['src/compile', 'src/codegen', 'src/explain'],
  ['src/editor'],
  ['src/backend', 'src/io', 'src/data', 'src/train'],
  ['src/cli', 'src/node'],
];

/** Everything `entry` loads at run time: the files and packages reachable through value imports. */
function closureOf(entry: string): Set<string> {
  const reached = new Set<string>([entry]);
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const edge of edges) {
      if (edge.from !== file || edge.typeOnly || reached.has(edge.to)) continue;
      reached.add(edge.to);
      if (edge.to.endsWith('.ts')) pending.push(edge.to);
    }
  }
  return reached;
}

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };

function stageOf(path: string): number {
  const index = STAGES.findIndex((folders) => folders.some((folder) => under(folder)(path)));
  return index === -1 ? STAGES.length : index;
}

const describeEdge = (edge: ImportEdge) => `${edge.from} → ${edge.to}`;
const importsBetween = (from: string, to: string) => edges.filter((edge) => under(from)(edge.from) && under(to)(edge.to)).map(describeEdge);

describe('architecture', () => {
  it('finds the import graph (the scanner itself works)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((edge) => edge.from.startsWith('src/compile/') && edge.to.startsWith('src/runtime/'))).toBe(true);
  });

  it('src/variants (the facts every stage shares) imports nothing but itself', () => {
    const offending = edges.filter((edge) => under('src/variants')(edge.from) && !under('src/variants')(edge.to));
    expect(edges.some((edge) => under('src/variants')(edge.from))).toBe(true);
    expect(offending).toEqual([]);
  });

  it('seqnet/runtime imports only tfjs, itself, the variant facts, and IR types', () => {
    const offending = edges
      .filter((edge) => under('src/runtime')(edge.from))
      .filter((edge) => {
        if (edge.to === '@tensorflow/tfjs' || under('src/runtime')(edge.to) || under('src/variants')(edge.to)) return false;
        return !(edge.typeOnly && edge.to === 'src/ir/types.ts');
      });
    expect(offending).toEqual([]);
  });

  it('no stage imports a later one (type-only imports of a validated form included)', () => {
    const backwards = edges
      .filter((edge) => edge.to.startsWith('src/') || edge.to.startsWith('grammar/'))
      .filter((edge) => stageOf(edge.to) > stageOf(edge.from))
      .map(describeEdge);
    expect(backwards).toEqual([]);
  });

  it('src/ir and src/validate import each other in one direction only: the validator reads the IR', () => {
    expect(importsBetween('src/validate', 'src/ir').length).toBeGreaterThan(0);
    expect(importsBetween('src/ir', 'src/validate')).toEqual([]);
  });

  it('src/data (reading and generating training data) imports nothing of the front end: no parser, no validator', () => {
    const frontEnd = ['grammar', 'src/ast', 'src/validate'].flatMap((folder) => importsBetween('src/data', folder));
    expect(frontEnd).toEqual([]);
  });

  it('the CLI decides whether an error is the user\'s without loading tfjs or the compiler libraries', () => {
    const closure = [...closureOf('src/cli/user-errors.ts')];
    expect(closure).toContain('src/validate/errors.ts');
    const heavy = closure.filter((path) => path.startsWith('@tensorflow/') || ['ajv', 'chevrotain', 'ts-morph'].includes(path));
    expect(heavy).toEqual([]);
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

  it('sees side-effect imports (seqnet/node registers the layers by importing the runtime)', () => {
    expect(edges).toContainEqual({ from: 'src/node/load-run.ts', to: 'src/runtime/index.ts', typeOnly: false });
  });

  it('seqnet/runtime loads without Node: no node: module anywhere in what it imports', () => {
    const closure = [...closureOf('src/runtime/index.ts')];
    expect(closure.length).toBeGreaterThan(10);
    expect(closure.filter((path) => !path.endsWith('.ts') && path !== '@tensorflow/tfjs')).toEqual([]);
  });

  it('the editor core (language server and browser playground) loads without Node, tfjs or the code generator', () => {
    const closure = [...closureOf('src/editor/index.ts')];
    expect(closure).toContain('src/validate/check.ts');
    expect(closure).toContain('src/explain/sections.ts');
    const offending = closure.filter((path) => path.startsWith('node:') || path.startsWith('@tensorflow/') || path === 'ts-morph' || under('src/runtime')(path));
    expect(offending).toEqual([]);
  });

  it('seqnet/node loads trained runs without the compiler (parser, validator, code generator)', () => {
    const closure = closureOf('src/node/index.ts');
    expect(closure.has('src/io/file-handler.ts')).toBe(true);
    expect(closure.has('src/runtime/index.ts')).toBe(true);
    const compiler = [...closure].filter(
      (path) => ['chevrotain', 'ajv', 'ts-morph'].includes(path) || ['grammar', 'src/ast', 'src/validate', 'src/compile', 'src/codegen'].some((folder) => under(folder)(path)),
    );
    expect(compiler).toEqual([]);
  });

  it('package.json exports each entry point from the compiled file of its source', () => {
    const entries = { '.': 'src/index', './runtime': 'src/runtime/index', './node': 'src/node/index' };
    expect(Object.keys(packageJson.exports).sort()).toEqual([...Object.keys(entries), './package.json'].sort());
    for (const [entry, source] of Object.entries(entries)) {
      expect(statSync(join(ROOT, `${source}.ts`)).isFile()).toBe(true);
      // `default`, not `import`: CommonJS callers then get Node's own ESM message (or require(esm)), not "not exported".
      expect(packageJson.exports[entry]).toEqual({ types: `./dist/${source}.d.ts`, default: `./dist/${source}.js` });
    }
  });
});
