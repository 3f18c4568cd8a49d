/** The public front-end API: checkSpec dispatch, loadSpecFile's read errors, and the package barrel. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as seqnet from '../../src/index.js';

const folder = mkdtempSync(join(tmpdir(), 'seqnet-api-'));
const text = 'seqnet 1\nmodel m\ninput { steps 4; features 1 }\nrnn 2\nhead y { units 1 }\n';

describe('checkSpec', () => {
  it('reads .seqnet text by default and JSON for a .json file name', () => {
    expect(seqnet.checkSpec(text).ir?.name).toBe('m');
    const json = JSON.stringify(seqnet.toJsonForm(text, 'm.seqnet').document);
    expect(seqnet.checkSpec(json, 'M.SEQNET.JSON').ir).toEqual(seqnet.checkSpec(text, 'm.seqnet').ir);
    expect(seqnet.checkSpec(text, 'm.json').diagnostics[0].code).toBe('SN1001');
  });

  it('names the file in every diagnostic, and defaults to <input>', () => {
    expect(seqnet.checkSpec('seqnet 1').diagnostics.every((d) => d.file === '<input>')).toBe(true);
    expect(seqnet.checkSpec('seqnet 1', 'a/b.seqnet').diagnostics.every((d) => d.file === 'a/b.seqnet')).toBe(true);
  });
});

describe('loadSpecFile', () => {
  it('reads and checks a file', async () => {
    const path = join(folder, 'ok.seqnet');
    writeFileSync(path, text);
    const result = await seqnet.loadSpecFile(path);
    expect(result.source).toBe(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.ir?.layers[0].name).toBe('rnn_1');
  });

  it('turns read errors into an SN1000 diagnostic instead of throwing', async () => {
    const missing = await seqnet.loadSpecFile(join(folder, 'missing.seqnet'));
    expect(missing).toEqual({ source: '', ir: null, diagnostics: [expect.objectContaining({ code: 'SN1000', severity: 'error', span: null })] });
    expect(missing.diagnostics[0].message).toContain('no such file');
    const directory = await seqnet.loadSpecFile(folder);
    expect(directory.diagnostics[0].message).toContain('is a directory');
  });
});

describe('package barrel', () => {
  it('exports the front end, the renderer and the IR version', () => {
    expect(typeof seqnet.parseSpec).toBe('function');
    expect(typeof seqnet.renderDiagnostics).toBe('function');
    expect(seqnet.IR_VERSION).toBe(1);
    expect(seqnet.PRESETS.length).toBe(6);
  });
});
