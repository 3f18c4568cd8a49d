/**
 * The VS Code extension's TextMate grammar: generated from the language tables and committed, so it must be
 * what the generator writes now; its scopes are held by hand-written assertion files
 * (editors/vscode/test/assertions) and every spec in specs/ by a snapshot (editors/vscode/test/snapshots),
 * both checked by `vscode-tmgrammar-test`, run as a subprocess as on the command line.
 *
 * UPDATE_VSCODE_GRAMMAR=1 rewrites the grammar and the snapshots instead of comparing (as snapshot tests do).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../src/ir/presets/index.js';
import { VOCABULARY } from '../../src/validate/vocabulary.js';
import { CELL_KINDS, NORM_KINDS, NORM_SITES } from '../../src/variants/index.js';
import { buildGrammar, GRAMMAR_PATH, grammarText, SCOPE_NAME, wordLists } from '../../scripts/vscode-grammar.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'editors/vscode');
const SNAPSHOTS = join(EXTENSION, 'test/snapshots');
const TOOL = join(ROOT, 'node_modules/vscode-tmgrammar-test/dist');
const update = process.env.UPDATE_VSCODE_GRAMMAR === '1';
const scratch = mkdtempSync(join(tmpdir(), 'seqnet-grammar-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs one of the package's two commands (unit.js: assertions, snapshot.js: snapshots) with the grammar. */
function runTool(script: 'unit.js' | 'snapshot.js', args: string[]): { status: number | null; output: string } {
  const grammar = join(EXTENSION, 'syntaxes/seqnet.tmLanguage.json');
  const result = spawnSync(process.execPath, [join(TOOL, script), '--config', join(EXTENSION, 'package.json'), '-g', grammar, ...args], { cwd: EXTENSION, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const specNames = readdirSync(join(ROOT, 'specs')).filter((name) => name.endsWith('.seqnet')).sort();

describe('the VS Code grammar', () => {
  it(`${GRAMMAR_PATH} is what scripts/vscode-grammar.ts generates`, () => {
    const text = grammarText();
    if (update) {
      writeFileSync(`${GRAMMAR_PATH}.tmp`, text);
      renameSync(`${GRAMMAR_PATH}.tmp`, GRAMMAR_PATH);
    }
    expect(readFileSync(join(ROOT, GRAMMAR_PATH), 'utf8'), 'stale: run npm run vscode:grammar').toBe(text);
  });

  it('takes every keyword, cell kind, norm kind, site and preset from the language tables', () => {
    const lists = wordLists();
    const keywords = [...lists.cellKeywords, ...lists.layerKeywords, ...lists.blockKeywords, ...lists.optionKeywords];
    const vocabulary = new Set(Object.values(VOCABULARY).flatMap((context) => Object.keys(context)));
    expect(new Set(keywords)).toEqual(vocabulary);
    expect(keywords).toHaveLength(vocabulary.size); // each keyword in one list only
    expect(lists.cellKeywords).toEqual([...CELL_KINDS].sort());
    expect(lists.normKinds).toEqual([...NORM_KINDS].sort());
    expect(lists.sites).toEqual([...NORM_SITES].sort());
    expect(lists.presets).toEqual([...PRESET_NAMES].sort());
    const argumentWords = [lists.booleans, lists.connectors, lists.normKinds, lists.sites, lists.presets, lists.values].flat();
    expect(new Set(argumentWords).size).toBe(argumentWords.length);
    expect(lists.connectors).toEqual(['at', 'x']);
    for (const word of ['per_step', 'each_step', 'adam', 'variable', 'none', 'sine_cosine', 'gelu', 'csv']) expect(lists.values).toContain(word);
  });

  it('names the scope the extension manifest gives it', () => {
    const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as { contributes: { grammars: { scopeName: string; path: string }[] } };
    expect(manifest.contributes.grammars).toEqual([{ language: 'seqnet', scopeName: SCOPE_NAME, path: `./${GRAMMAR_PATH.replace('editors/vscode/', '')}` }]);
    expect(buildGrammar().scopeName).toBe(SCOPE_NAME);
  });

  it('passes the assertion files', () => {
    const files = readdirSync(join(EXTENSION, 'test/assertions')).filter((name) => name.endsWith('.seqnet'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const { status, output } = runTool('unit.js', ['test/assertions/*.seqnet']);
    expect(output).toContain('run successfuly');
    expect(status, output).toBe(0);
  });

  it('fails an assertion file that claims a wrong scope (the check can fail)', () => {
    const wrong = join(scratch, 'wrong.seqnet');
    writeFileSync(wrong, '# SYNTAX TEST "source.seqnet"\nlstm 32\n#    ^^ support.type.norm.seqnet\n');
    const { status, output } = runTool('unit.js', [wrong]);
    expect(output).toContain('missing required scopes: support.type.norm.seqnet');
    expect(status).not.toBe(0);
  });

  it('has a snapshot for every spec in specs/ and none for a spec that is gone', () => {
    const snapshots = readdirSync(SNAPSHOTS).filter((name) => name.endsWith('.snap')).map((name) => name.replace(/\.snap$/, ''));
    if (!update) expect(snapshots.sort()).toEqual(specNames);
    expect(specNames.length).toBeGreaterThan(5);
  });

  it('tokenizes every spec in specs/ as its snapshot says', () => {
    // The tool keeps each snapshot next to its source: run it on copies of the specs beside their snapshots.
    const folder = mkdtempSync(join(scratch, 'snapshots-'));
    for (const name of specNames) {
      copyFileSync(join(ROOT, 'specs', name), join(folder, name));
      if (existsSync(join(SNAPSHOTS, `${name}.snap`))) copyFileSync(join(SNAPSHOTS, `${name}.snap`), join(folder, `${name}.snap`));
    }
    const { status, output } = runTool('snapshot.js', ['-s', SCOPE_NAME, ...(update ? ['-u'] : []), `${folder}/*.seqnet`]);
    if (update) for (const name of specNames) copyFileSync(join(folder, `${name}.snap`), join(SNAPSHOTS, `${name}.snap`));
    if (!update) expect(output).not.toContain('Generating snapshot');
    expect(status, output).toBe(0);
  });
});
