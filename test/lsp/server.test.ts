/**
 * `seqnet lsp` over JSON-RPC, as an editor drives it: a real server process (the built CLI), documents opened
 * and changed, and every feature asked for at chosen positions. Expected values come from the library itself
 * (checkSpec, formatSpec, explainModel, summarizeModel) wherever the server is meant to repeat it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, FoldingRange, Hover, TextEdit } from 'vscode-languageserver/node';
import { explainModel } from '../../src/explain/explain.js';
import { summarizeModel } from '../../src/explain/summary.js';
import { formatSpec } from '../../src/format/index.js';
import { checkSpec } from '../../src/validate/check.js';
import { LspClient } from './client.js';

const SPEC = `seqnet 1
model demo

input {
  steps 20
  features 1
}

lstm 16 {
  norm ba2016
  dropout recurrent 0.1
}

head y {
  units 1
}

train {
  epochs 3
}
`;

/** Where `marker` starts in `text` (plus `shift`), as a protocol position. */
function positionOf(text: string, marker: string, shift = 0): { line: number; character: number } {
  const offset = text.indexOf(marker);
  if (offset === -1) throw new Error(`'${marker}' is not in the text`);
  const before = text.slice(0, offset + shift).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** Applies non-overlapping edits (as a client does), last first. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const offsetOf = (position: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  return sorted.reduce((result, edit) => result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end)), text);
}

let client: LspClient;
let documentCount = 0;
const newUri = (extension = '.seqnet') => `file:///workspace/spec${++documentCount}${extension}`;

beforeAll(async () => {
  client = await LspClient.start();
}, 120_000);

afterAll(async () => {
  if (client !== undefined) expect(await client.stop()).toBe(0);
}, 120_000);

describe('seqnet lsp', { timeout: 120_000 }, () => {
  it('announces the features it serves', () => {
    const capabilities = client.initialized.capabilities;
    expect(capabilities.completionProvider).toBeDefined();
    expect(capabilities).toMatchObject({
      hoverProvider: true,
      documentFormattingProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
    });
    expect(capabilities.codeActionProvider).toMatchObject({ codeActionKinds: ['quickfix'] });
  });

  it('publishes the checker\'s diagnostics on open, with exact ranges, the hint and a link to the code\'s docs', async () => {
    const text = SPEC.replace('epochs 3', 'epoch 3').replace('norm ba2016', 'norm ba2061');
    const published = await client.open(newUri(), text);
    const expected = checkSpec(text, 'x.seqnet').diagnostics;
    expect(published.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(expected.map((diagnostic) => diagnostic.code));
    const [preset, epoch] = published.diagnostics;
    expect(preset.range).toEqual({ start: positionOf(text, 'ba2061'), end: positionOf(text, 'ba2061', 6) });
    expect(epoch.range).toEqual({ start: positionOf(text, 'epoch 3'), end: positionOf(text, 'epoch 3', 5) });
    expect(epoch).toMatchObject({ severity: 1, code: 'SN1002', source: 'seqnet' });
    expect(epoch.message).toContain("unknown statement 'epoch'");
    expect(epoch.message).toContain("hint: did you mean 'epochs'?");
    const href = epoch.codeDescription?.href ?? '';
    expect(href).toMatch(/^file:\/\/.*\/docs\/diagnostics\.md#sn1002-/);
    expect(existsSync(fileURLToPath(href.replace(/#.*$/, '')))).toBe(true);
  });

  it('re-checks a changed document and clears fixed problems', async () => {
    const uri = newUri();
    const broken = SPEC.replace('units 1', 'units 0');
    expect((await client.open(uri, broken)).diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['SN1005']);
    expect((await client.change(uri, 2, SPEC)).diagnostics).toEqual([]);
    const again = SPEC.replace('features 1', 'features 1\n  featurs 2');
    const published = await client.change(uri, 3, again);
    expect(published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start])).toEqual([['SN1002', positionOf(again, 'featurs')]]);
  });

  it('gives a duplicate the location of the first one as related information', async () => {
    const uri = newUri();
    const text = SPEC.replace('epochs 3', 'epochs 3\n  epochs 4');
    const [duplicate] = (await client.open(uri, text)).diagnostics;
    expect(duplicate.code).toBe('SN1008');
    expect(duplicate.range.start).toEqual(positionOf(text, 'epochs 4'));
    expect(duplicate.relatedInformation).toEqual([
      { location: { uri, range: { start: positionOf(text, 'epochs 3'), end: positionOf(text, 'epochs 3', 8) } }, message: "'epochs' is first given here" },
    ]);
  });

  it('checks .seqnet.json documents the same way', async () => {
    const json = JSON.stringify({ seqnet: 1, model: 'demo', input: { steps: 5, features: 1 }, body: [{ type: 'gru', units: 4 }], heads: [{ name: 'y', units: 1, at: 'lastt' }] }, null, 2);
    const published = await client.open(newUri('.seqnet.json'), json, 'json');
    const expected = checkSpec(json, 'x.seqnet.json').diagnostics;
    expect(expected.length).toBe(1);
    expect(published.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['SN1003']);
    expect(published.diagnostics[0].range).toEqual({ start: positionOf(json, '"lastt"'), end: positionOf(json, '"lastt"', 7) });
  });

  it('completes the statements of the block at the cursor', async () => {
    const uri = newUri();
    const text = SPEC.replace('  epochs 3\n', '  epochs 3\n  \n');
    await client.open(uri, text);
    const items: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '  \n', 2) });
    const labels = items.map((item) => item.label);
    expect(labels).toContain('optimizer');
    expect(labels).toContain('early_stopping');
    expect(labels).not.toContain('units');
    expect(items.find((item) => item.label === 'epochs')?.detail).toBe('epochs N');
  });

  it('completes norm sites valid for the enclosing cell, and presets defined for it', async () => {
    const uri = newUri();
    const text = SPEC.replace('lstm 16', 'gru 16').replace('norm ba2016', 'norm layer at input ');
    await client.open(uri, text);
    const sites: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'input \n', 6) });
    // A GRU has no cell state; `input` is already listed.
    expect(sites.map((item) => item.label)).toEqual(['recurrent', 'gates', 'hidden']);
    const presets: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'layer at', 5) });
    const labels = presets.map((item) => item.label);
    expect(labels).toContain('ba2016');
    expect(labels).not.toContain('tf1_contrib'); // defined for the LSTM only
    expect(labels).not.toContain('tfa'); // LSTM and simple RNN
    expect(labels).toEqual(expect.arrayContaining(['layer', 'batch', 'rms']));
    // The partial word under the cursor is what the completion replaces.
    expect(presets[0].textEdit).toMatchObject({ range: { start: positionOf(text, 'layer at'), end: positionOf(text, 'layer at', 5) } });
  });

  it('completes enum values of options', async () => {
    const uri = newUri();
    const text = SPEC.replace('units 1\n', 'units 1\n  at \n');
    await client.open(uri, text);
    const items: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, 'at \n', 3) });
    expect(items.map((item) => item.label)).toEqual(['each_step', 'last_step', 'mean', 'max']);
  });

  it('shows the equations a preset expands to, and a layer\'s output shape and parameter count', async () => {
    const uri = newUri();
    await client.open(uri, SPEC);
    const ir = checkSpec(SPEC).ir;
    if (ir === null) throw new Error('the test spec must be valid');
    const onPreset: Hover = await client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(SPEC, 'ba2016', 2) });
    const presetText = (onPreset.contents as { kind: string; value: string }).value;
    expect(presetText).toContain('preset `ba2016`');
    const explained = explainModel(ir);
    const equations = presetText.split('```text\n')[1].split('\n```')[0].split('\n');
    expect(equations.length).toBeGreaterThan(3);
    for (const equation of equations) expect(explained).toContain(equation);
    const onLayer: Hover = await client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(SPEC, 'lstm 16', 1) });
    const row = summarizeModel(ir).rows.find((candidate) => candidate.name === ir.layers[0].name);
    const layerText = (onLayer.contents as { value: string }).value;
    // The head reads the last step, so the LSTM returns only its last output.
    expect(row?.outputShape).toEqual([null, 16]);
    expect(layerText).toContain('output shape `[null, 16]`');
    expect(layerText).toContain(`${row?.trainable.toLocaleString('en-US')} parameters`);
  });

  it('formats a document as seqnet fmt does, and leaves a formatted or broken one alone', async () => {
    const uri = newUri();
    const messy = SPEC.replace('  units 1', 'units   1').replace('train {\n  epochs 3\n}', 'train { epochs 3 }');
    await client.open(uri, messy);
    const edits: TextEdit[] = await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(applyEdits(messy, edits)).toBe(formatSpec(messy).text);
    await client.change(uri, 2, applyEdits(messy, edits));
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    await client.change(uri, 3, `${SPEC}lstm {`);
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it('offers quick fixes whose edits make the diagnostic go away', async () => {
    const uri = newUri();
    const text = SPEC.replace('epochs 3', 'epoch 3');
    const [diagnostic] = (await client.open(uri, text)).diagnostics as Diagnostic[];
    const actions: CodeAction[] = await client.request('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    expect(actions.map((action) => [action.title, action.kind])).toEqual([["Change to 'epochs'", 'quickfix']]);
    const edits = actions[0].edit?.changes?.[uri] ?? [];
    expect(edits).toEqual([{ range: diagnostic.range, newText: 'epochs' }]);
    expect(applyEdits(text, edits)).toBe(SPEC);
  });

  it('lists layers, heads and blocks as document symbols, and folds every block', async () => {
    const uri = newUri();
    await client.open(uri, SPEC);
    const found: DocumentSymbol[] = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    expect(found.map((symbol) => [symbol.name, symbol.kind])).toEqual([
      ['seqnet', 7],
      ['model', 7],
      ['input', 3],
      ['lstm 16', 5],
      ['y', 11],
      ['train', 3],
    ]);
    expect(found[3].children?.map((child) => child.name)).toEqual(['norm', 'dropout']);
    const folds: FoldingRange[] = await client.request('textDocument/foldingRange', { textDocument: { uri } });
    const opening = (marker: string) => positionOf(SPEC, marker).line;
    expect(folds.map((fold) => [fold.startLine, fold.endLine])).toEqual([
      [opening('input {'), opening('features 1')],
      [opening('lstm 16'), opening('dropout recurrent')],
      [opening('head y'), opening('units 1')],
      [opening('train {'), opening('epochs 3')],
    ]);
  });

  it('clears a closed document\'s diagnostics', async () => {
    const uri = newUri();
    await client.open(uri, SPEC.replace('units 1', 'units 0'));
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    // The server answers requests in order, so after this round trip the close has been handled and published.
    await client.request('textDocument/documentSymbol', { textDocument: { uri: newUri() } });
    const last = client.publications(uri).at(-1);
    expect(last?.diagnostics).toEqual([]);
  });
});
