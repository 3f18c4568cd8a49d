/**
 * Fuzzing the whole front end: thousands of mutations of the example specs (token and character edits, random
 * bytes, deep nesting), each through checkSpec and renderDiagnostics. Nothing may throw, and every span must lie
 * within the source with line/column positions that agree with its offsets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/diagnostics/render.js';
import { LineIndex } from '../../src/diagnostics/spans.js';
import type { Diagnostic } from '../../src/diagnostics/types.js';
import { checkSpec, toJsonForm } from '../../src/validate/index.js';

const folder = join(import.meta.dirname, '../../specs');
const seeds = readdirSync(folder)
  .filter((name) => name.endsWith('.seqnet'))
  .sort()
  .map((name) => readFileSync(join(folder, name), 'utf8'));

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['{', '}', ';', '\n', '"', '#', 'x', '-1', '0', '1e309', 'lstm', 'norm', 'at', 'cell', 'input', 'ba2016', 'head', 'seqnet', 'true', '\t', '\r\n', 'é', '😀', '\u0000'];

function mutate(text: string, next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const tokens = text.split(/(\s+)/);
  const position = Math.floor(next() * text.length);
  switch (Math.floor(next() * 8)) {
    case 0: // delete a token
      tokens.splice(Math.floor(next() * tokens.length), 1);
      return tokens.join('');
    case 1: // duplicate a token
      {
        const index = Math.floor(next() * tokens.length);
        tokens.splice(index, 0, tokens[index] ?? '', ' ');
      }
      return tokens.join('');
    case 2: // swap two tokens
      {
        const a = Math.floor(next() * tokens.length);
        const b = Math.floor(next() * tokens.length);
        [tokens[a], tokens[b]] = [tokens[b], tokens[a]];
      }
      return tokens.join('');
    case 3: // insert a piece
      return text.slice(0, position) + pick(PIECES) + text.slice(position);
    case 4: // delete characters
      return text.slice(0, position) + text.slice(position + 1 + Math.floor(next() * 5));
    case 5: // random bytes
      return text.slice(0, position) + String.fromCharCode(...Array.from({ length: 1 + Math.floor(next() * 4) }, () => Math.floor(next() * 0xffff))) + text.slice(position);
    case 6: // duplicate a line
      {
        const lines = text.split('\n');
        const index = Math.floor(next() * lines.length);
        lines.splice(index, 0, lines[index] ?? '');
        return lines.join('\n');
      }
    default: // deep nesting
      {
        const depth = 1 + Math.floor(next() * 100);
        return `${text.slice(0, position)}${'a {'.repeat(depth)}${'}'.repeat(Math.floor(next() * (depth + 1)))}${text.slice(position)}`;
      }
  }
}

function spanProblems(diagnostics: readonly Diagnostic[], source: string): string[] {
  const index = new LineIndex(source);
  const problems: string[] = [];
  for (const diagnostic of diagnostics) {
    const span = diagnostic.span;
    if (span === null) continue;
    if (!(span.startOffset >= 0 && span.startOffset <= span.endOffset && span.endOffset <= source.length)) {
      problems.push(`${diagnostic.code} span ${span.startOffset}-${span.endOffset} outside 0-${source.length}`);
      continue;
    }
    const start = index.position(span.startOffset);
    const end = index.position(span.endOffset);
    if (start.line !== span.startLine || start.column !== span.startColumn || end.line !== span.endLine || end.column !== span.endColumn) {
      problems.push(`${diagnostic.code} line/column ${span.startLine}:${span.startColumn}-${span.endLine}:${span.endColumn} disagree with offsets`);
    }
  }
  return problems;
}

function exercise(source: string, fileName: string): string[] {
  const { diagnostics } = checkSpec(source, fileName);
  const sources = new Map([[fileName, source]]);
  renderDiagnostics(diagnostics, sources, { format: 'text', color: true });
  renderDiagnostics(diagnostics, sources, { format: 'json', color: false });
  return spanProblems(diagnostics, source);
}

describe('front-end fuzzing', () => {
  it('survives mutated .seqnet specs with consistent spans', () => {
    const next = random(20260101);
    const problems: string[] = [];
    for (let round = 0; round < 2500; round++) {
      let text = seeds[round % seeds.length];
      const edits = 1 + Math.floor(next() * 4);
      for (let edit = 0; edit < edits; edit++) text = mutate(text, next);
      for (const problem of exercise(text, 'fuzz.seqnet')) problems.push(`round ${round}: ${problem}\n${JSON.stringify(text)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('survives mutated .seqnet.json specs with consistent spans', () => {
    const next = random(7);
    const problems: string[] = [];
    const jsonSeeds = seeds.map((source) => JSON.stringify(toJsonForm(source, 'seed.seqnet').document, null, 2));
    for (let round = 0; round < 800; round++) {
      let text = jsonSeeds[round % jsonSeeds.length];
      const edits = 1 + Math.floor(next() * 3);
      for (let edit = 0; edit < edits; edit++) text = mutate(text, next);
      for (const problem of exercise(text, 'fuzz.seqnet.json')) problems.push(`round ${round}: ${problem}\n${JSON.stringify(text)}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('survives pathological inputs', () => {
    const inputs = ['', '{', '}', '\n\n\n', 'seqnet', '{'.repeat(5000), '"'.repeat(999), '[[[[[[[[', `${'['.repeat(3000)}`, '\uFEFFseqnet 1'];
    for (const input of inputs) {
      expect(exercise(input, 'odd.seqnet')).toEqual([]);
      expect(exercise(input, 'odd.seqnet.json')).toEqual([]);
    }
  });
});
