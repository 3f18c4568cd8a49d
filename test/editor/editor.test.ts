/**
 * The editor core (src/editor) as the language server and the playground call it: plain text in, plain data out.
 * Expected values come from the front end itself (checkSpec, the vocabulary, the variant tables, the presets)
 * where the editor is meant to repeat it, and from the language's docs where it is meant to agree with them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { complete, diagnose, docsLink, foldingRanges, format, hover, offsetAt, quickFixes, symbols, type EditorTextEdit } from '../../src/editor/index.js';
import { explainModel } from '../../src/explain/explain.js';
import { formatSpec } from '../../src/format/index.js';
import { PRESETS } from '../../src/ir/presets/index.js';
import { checkSpec } from '../../src/validate/check.js';
import { VOCABULARY } from '../../src/validate/vocabulary.js';
import { CELL_FACTS, DROPOUT_FORMS, recurrentInitializersFor } from '../../src/variants/index.js';
import { PROJECT_ROOT } from '../cli/subprocess.js';

const SPEC = `seqnet 1
model demo

input {
  steps 20
  features 1
}

lstm 16 {
  norm ba2016
}
norm batch
dropout 0.2

head y {
  units 1
}

train {
  epochs 3
}
`;

/** Completion labels with the cursor at the end of `text` after `before` is put in place of `marker`. */
function labelsAt(text: string, marker: string, before: string): string[] {
  const edited = text.replace(marker, `${before}\u0000`);
  const offset = edited.indexOf('\u0000');
  return complete(edited.replace('\u0000', ''), offset).map((item) => item.label);
}

function applyEdits(text: string, edits: readonly EditorTextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  return sorted.reduce((result, edit) => result.slice(0, offsetAt(text, edit.range.start)) + edit.newText + result.slice(offsetAt(text, edit.range.end)), text);
}

const specFiles = (folder: string) => readdirSync(join(PROJECT_ROOT, folder)).filter((name) => name.endsWith('.seqnet')).map((name) => join(PROJECT_ROOT, folder, name));

describe('diagnose', () => {
  it('returns checkSpec\'s diagnostics with 0-based ranges', () => {
    for (const file of specFiles('test/validate/bad')) {
      const text = readFileSync(file, 'utf8');
      const expected = checkSpec(text, 'x.seqnet').diagnostics;
      const found = diagnose(text);
      expect(found.map((diagnostic) => [diagnostic.code, diagnostic.message, diagnostic.hint])).toEqual(expected.map((diagnostic) => [diagnostic.code, diagnostic.message, diagnostic.hint]));
      found.forEach((diagnostic, index) => {
        const span = expected[index].span;
        if (span === null) return;
        expect(diagnostic.range).toEqual({ start: { line: span.startLine - 1, character: span.startColumn - 1 }, end: { line: span.endLine - 1, character: span.endColumn - 1 } });
      });
    }
  });

  it('links every code to its heading in docs/diagnostics.md', () => {
    const markdown = readFileSync(join(PROJECT_ROOT, 'docs/diagnostics.md'), 'utf8');
    // GitHub's heading anchors: lower case, punctuation dropped, each space a hyphen.
    const anchors = new Set([...markdown.matchAll(/^### (.*)$/gm)].map((heading) => heading[1].toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-')));
    expect(anchors.size).toBe(DIAGNOSTIC_CODES.length);
    for (const { code } of DIAGNOSTIC_CODES) {
      const [path, anchor] = docsLink(code).split('#');
      expect(path).toBe('docs/diagnostics.md');
      expect(anchors).toContain(anchor);
      expect(anchor.startsWith(code.toLowerCase())).toBe(true);
    }
  });

  it('checks .seqnet.json text with json: true', () => {
    const json = JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 5, features: 1 }, body: [{ type: 'lstm', units: 4, norm: [{ kind: 'layr', sites: ['input'] }] }], heads: [{ name: 'y', units: 1 }] });
    const [diagnostic] = diagnose(json, { json: true });
    expect(diagnostic.code).toBe('SN1003');
    expect(json.slice(offsetAt(json, diagnostic.range.start), offsetAt(json, diagnostic.range.end))).toBe('"layr"');
    expect(diagnose(json).map((item) => item.code)).toContain('SN0001');
  });

  it('gives a duplicate name the place of its first use', () => {
    const text = SPEC.replace('lstm 16 {', 'lstm 16 {\n  name y');
    const duplicate = diagnose(text).find((diagnostic) => diagnostic.code === 'SN2001');
    expect(duplicate?.related).toHaveLength(1);
    const first = duplicate?.related[0].range;
    expect(first === undefined ? '' : text.slice(offsetAt(text, first.start), offsetAt(text, first.end))).toBe('y');
    expect(first?.start.line).toBe(9);
  });
});

describe('complete', () => {
  it('offers the statements of the block at the cursor, from the vocabulary', () => {
    expect(labelsAt(SPEC, 'train {\n', 'train {\n  ')).toEqual(Object.keys(VOCABULARY.train));
    expect(labelsAt(SPEC, 'units 1', '')).toEqual(Object.keys(VOCABULARY.head));
    expect(labelsAt(SPEC, 'model demo', 'mo')).toEqual(Object.keys(VOCABULARY.top));
    expect(labelsAt(SPEC, 'train {\n', 'train {\n  optimizer adam {\n    ')).toEqual(Object.keys(VOCABULARY.optimizer));
  });

  it('offers only the statements a cell has', () => {
    const inLstm = labelsAt(SPEC, '  norm ba2016', '  ');
    const inGru = labelsAt(SPEC.replace('lstm 16', 'gru 16'), '  norm ba2016', '  ');
    expect(inLstm).toContain('forget_bias');
    expect(inLstm).not.toContain('reset');
    expect(inGru).toContain('reset');
    expect(inGru).not.toContain('forget_bias');
  });

  it('offers presets defined for the cell, kinds, `at`, then the cell\'s sites not yet listed', () => {
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      const text = SPEC.replace('lstm 16', `${cell} 16`);
      const presets = PRESETS.filter((preset) => preset.cells.includes(cell)).map((preset) => preset.name);
      expect(labelsAt(text, 'norm ba2016', 'norm ')).toEqual([...presets, 'layer', 'batch', 'rms']);
      expect(labelsAt(text, 'norm ba2016', 'norm layer ')).toEqual(['at']);
      expect(labelsAt(text, 'norm ba2016', 'norm layer at input ')).toEqual(CELL_FACTS[cell].sites.filter((site) => site !== 'input'));
    }
  });

  it('offers the values of options from the schema', () => {
    expect(labelsAt(SPEC, 'units 1', 'at ')).toEqual(['each_step', 'last_step', 'mean', 'max']);
    expect(labelsAt(SPEC, 'steps 20', 'steps ')).toEqual(['variable']);
    expect(labelsAt(SPEC, 'epochs 3', 'optimizer ')).toEqual(['adam', 'sgd', 'rmsprop']);
    expect(labelsAt(SPEC, 'epochs 3', 'shuffle ')).toEqual(['true', 'false']);
    expect(labelsAt(SPEC, 'epochs 3', 'clip ')).toEqual(['norm', 'value']);
    expect(labelsAt(SPEC, 'norm batch', 'norm ')).toEqual(['layer', 'batch', 'rms']);
    expect(labelsAt(SPEC, 'dropout 0.2', 'dropout 0.2 ')).toEqual(['per_sequence', 'per_step']);
    expect(labelsAt(SPEC, 'lstm 16 {', 'lstm 16 ')).toEqual(['x']);
    expect(labelsAt(SPEC, 'norm ba2016', 'dropout ')).toEqual([...DROPOUT_FORMS]);
    expect(labelsAt(SPEC, 'norm ba2016', 'dropout input 0.1 ')).toEqual(['per_sequence', 'per_step']);
    expect(labelsAt(SPEC, 'norm ba2016', 'initializer recurrent ')).toEqual(['orthogonal', 'glorot_uniform', 'glorot_normal', 'identity']);
    // An IndRNN's recurrent weight is a vector: the names that fit it, not `orthogonal`.
    const indrnn = SPEC.replace('lstm 16', 'indrnn 16').replace(/\n\s*norm ba2016/, '\n    dropout input 0.1');
    expect(labelsAt(indrnn, 'dropout input 0.1', 'initializer recurrent ')).toEqual(recurrentInitializersFor('indrnn'));
    expect(labelsAt(SPEC, 'norm ba2016', 'zoneout ')).toEqual(['cell', 'hidden']);
    expect(labelsAt(SPEC.replace('lstm 16', 'gru 16'), 'norm ba2016', 'zoneout ')).toEqual(['hidden']);
    expect(labelsAt(SPEC, 'norm ba2016', 'initial_noise ')).toEqual(['cell', 'hidden']);
    expect(labelsAt(SPEC.replace('lstm 16', 'gru 16'), 'norm ba2016', 'initial_noise ')).toEqual(['hidden']);
    expect(labelsAt(SPEC, 'seqnet 1', 'seqnet ')).toEqual(['1']);
    expect(labelsAt(`${SPEC}data {\n  source synthetic \n}\n`, 'synthetic \n', 'synthetic ')).toEqual(['sine_cosine', 'adding', 'copy']);
  });

  it('replaces the partial word before the cursor', () => {
    const text = SPEC.replace('epochs 3', 'epochs 3\n  optimizer ad');
    const offset = text.indexOf('optimizer ad') + 'optimizer ad'.length;
    const [first] = complete(text, offset);
    expect(first.label).toBe('adam');
    expect(text.slice(offsetAt(text, first.range.start), offsetAt(text, first.range.end))).toBe('ad');
  });

  it('offers nothing in a comment, in a string, or in a block the language does not know', () => {
    expect(labelsAt(SPEC, 'epochs 3', '# lo')).toEqual([]);
    expect(labelsAt(SPEC, 'model demo', 'description "a ')).toEqual([]);
    expect(labelsAt(SPEC, 'epochs 3', 'mystery {\n    ')).toEqual([]);
  });

  it('never throws, at any offset of any example spec', () => {
    for (const file of specFiles('specs')) {
      const text = readFileSync(file, 'utf8');
      for (let offset = 0; offset <= text.length; offset++) expect(Array.isArray(complete(text, offset))).toBe(true);
    }
  });
});

describe('hover', () => {
  const ir = checkSpec(SPEC).ir;
  const explained = ir === null ? '' : explainModel(ir);

  it('shows a preset\'s source and the equations of its layer, as seqnet explain prints them', () => {
    const text = hover(SPEC, SPEC.indexOf('ba2016') + 1) ?? '';
    expect(text).toContain(PRESETS.find((preset) => preset.name === 'ba2016')?.doc);
    const equations = text.split('```text\n')[1].split('\n```')[0].split('\n');
    expect(equations.length).toBeGreaterThan(3);
    for (const equation of equations) expect(explained).toContain(equation);
  });

  it('shows the initial state drawn in training on an initial_noise line', () => {
    const noisy = SPEC.replace('norm ba2016', 'norm ba2016\n  initial_noise hidden 0.1');
    expect(hover(noisy, noisy.indexOf('initial_noise') + 2) ?? '').toContain('h_0 = ε_h,  ε_h ~ N(0, 0.1²)    (training; h_0 = 0 at inference)');
  });

  it('shows the equations of a norm or dropout between layers', () => {
    expect(hover(SPEC, SPEC.indexOf('norm batch')) ?? '').toContain('y_t = γ ⊙ (h_t − μ_B) / √(σ²_B + ε) + β');
    expect(hover(SPEC, SPEC.indexOf('dropout 0.2')) ?? '').toContain('y_t = h_t ⊙ m / 0.8');
  });

  it('shows the output shape and parameter count of a layer and a head', () => {
    const layer = hover(SPEC, SPEC.indexOf('lstm 16')) ?? '';
    // 4 gates × 16 units: W [1, 64], U [16, 64], bias 64; ba2016's LN γ and β at input (64), recurrent (64), cell (16).
    const parameters = 64 + 16 * 64 + 64 + 2 * (64 + 64 + 16);
    expect(layer).toContain(`output shape \`[null, 16]\` · ${parameters.toLocaleString('en-US')} parameters`);
    expect(hover(SPEC, SPEC.indexOf('head y') + 5)).toContain('output shape `[null, 1]` · 17 parameters');
  });

  it('shows an option\'s usage and description, a preset\'s source when the spec is invalid, and nothing on blank space', () => {
    expect(hover(SPEC, SPEC.indexOf('epochs'))).toBe('`epochs N`\n\nPasses over the training data.');
    const invalid = SPEC.replace('units 1', 'units 0');
    expect(hover(invalid, invalid.indexOf('ba2016'))).toContain('preset `ba2016`');
    expect(hover(SPEC, SPEC.indexOf('\n\ninput') + 1)).toBeNull();
  });
});

describe('quick fixes', () => {
  it('fix what the hint names, and the fixed text no longer has that diagnostic', () => {
    let fixed = 0;
    for (const file of specFiles('test/validate/bad')) {
      const text = readFileSync(file, 'utf8');
      for (const diagnostic of diagnose(text)) {
        for (const fix of quickFixes(text, diagnostic)) {
          const after = diagnose(applyEdits(text, fix.edits));
          const same = after.filter((item) => item.code === diagnostic.code && item.message === diagnostic.message);
          expect(same, `${file}: ${fix.title}`).toEqual([]);
          fixed++;
        }
      }
    }
    expect(fixed).toBeGreaterThan(10);
  });

  it('set a value that another statement must have', () => {
    const text = `${SPEC.replace('features 1', 'features 3')}data {\n  source synthetic adding\n}\n`;
    const mismatch = diagnose(text).find((item) => item.code === 'SN2009');
    const fixes = mismatch === undefined ? [] : quickFixes(text, mismatch);
    expect(fixes.map((fix) => fix.title)).toEqual(['Set `features 2` in input']);
    expect(applyEdits(text, fixes[0].edits)).toBe(text.replace('features 3', 'features 2'));
  });

  it('offer each alternative a hint names, and keep JSON strings quoted', () => {
    const text = SPEC.replace('lstm 16', 'gru 16').replace('norm ba2016', 'norm layer at gates { groups all }');
    const diagnostic = diagnose(text).find((item) => item.code === 'SN2003');
    expect(diagnostic === undefined ? [] : quickFixes(text, diagnostic).map((fix) => fix.edits[0].newText)).toEqual(['per_gate', 'gates_and_candidate']);
    const json = JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 5, features: 1 }, body: [{ type: 'lstm', units: 4 }], heads: [{ name: 'y', units: 1, at: 'eachstep' }] });
    const [invalid] = diagnose(json, { json: true });
    expect(quickFixes(json, invalid).map((fix) => fix.edits[0].newText)).toEqual(['"each_step"']);
    const [fix] = quickFixes(json, invalid);
    expect(diagnose(applyEdits(json, fix.edits), { json: true })).toEqual([]);
  });
});

describe('format, symbols and folding', () => {
  it('formats as seqnet fmt does, and refuses text with syntax errors', () => {
    const messy = SPEC.replace('  units 1', 'units   1').replace('\n\nhead', '\n\n\n\nhead');
    expect(format(messy)).toBe(formatSpec(messy).text);
    expect(format(messy)).not.toBe(messy);
    expect(format(`${SPEC}lstm {`)).toBeNull();
  });

  it('names layers by their explicit name, heads by theirs, and nests settings', () => {
    const text = SPEC.replace('lstm 16 {', 'lstm 16 {\n  name encoder');
    const found = symbols(text);
    expect(found.map((symbol) => [symbol.name, symbol.kind, symbol.detail])).toEqual([
      ['seqnet', 'setting', 'seqnet 1'],
      ['model', 'setting', 'model demo'],
      ['input', 'block', 'input'],
      ['encoder', 'layer', 'lstm 16'],
      ['norm batch', 'layer', 'norm batch'],
      ['dropout 0.2', 'layer', 'dropout 0.2'],
      ['y', 'head', 'head y'],
      ['train', 'block', 'train'],
    ]);
    expect(found[3].children.map((child) => child.detail)).toEqual(['name encoder', 'norm ba2016']);
  });

  it('folds blocks that span lines, from the { line to the line before }', () => {
    const lineOf = (marker: string) => SPEC.slice(0, SPEC.indexOf(marker)).split('\n').length - 1;
    expect(foldingRanges(SPEC)).toEqual([
      { startLine: lineOf('input {'), endLine: lineOf('features 1') },
      { startLine: lineOf('lstm 16'), endLine: lineOf('norm ba2016') },
      { startLine: lineOf('head y'), endLine: lineOf('units 1') },
      { startLine: lineOf('train {'), endLine: lineOf('epochs 3') },
    ]);
    expect(foldingRanges('train { epochs 3 }\n')).toEqual([]);
  });
});
