/**
 * The VS Code extension apart from its grammar: the manifest, the language configuration's indentation rules,
 * which `seqnet` command the client starts, and `npm run vsix`'s packaging (run offline when the machine can
 * make a network namespace without a network, so that a packager reaching out would fail the test).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverCommand } from '../../editors/vscode/src/server-command.js';
import { readZip } from '../helpers/zip.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'editors/vscode');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(EXTENSION, path), 'utf8'));

interface Manifest {
  name: string;
  version: string;
  main: string;
  activationEvents: string[];
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    configuration: { properties: Record<string, { type: string; default: unknown }> };
  };
}
const manifest = readJson('package.json') as Manifest;

describe('the extension manifest', () => {
  it('contributes the seqnet language for *.seqnet, activates on it and has a setting for the command', () => {
    expect(manifest.contributes.languages).toEqual([expect.objectContaining({ id: 'seqnet', extensions: ['.seqnet'], configuration: './language-configuration.json' })]);
    expect(manifest.activationEvents).toContain('onLanguage:seqnet');
    expect(manifest.contributes.configuration.properties['seqnet.path']).toMatchObject({ type: 'string', default: '' });
    expect(manifest.main).toBe('./dist/extension.js');
  });
});

describe('the language configuration', () => {
  const configuration = readJson('language-configuration.json') as {
    comments: { lineComment: string };
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };
  const increase = new RegExp(configuration.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(configuration.indentationRules.decreaseIndentPattern);

  it('comments with #', () => expect(configuration.comments.lineComment).toBe('#'));

  it('indents after a line that opens a block', () => {
    for (const line of ['lstm 32 {', 'train {  # settings', '  source csv "data/{x}.csv" {', 'train { optimizer adam {']) expect(line).toMatch(increase);
  });

  it('does not indent after a block closed on its line, a brace in a comment or a string', () => {
    for (const line of ['optimizer adam { learning_rate 0.01 }', 'lstm 32  # {', 'description "{"', 'epochs 3']) expect(line).not.toMatch(increase);
  });

  it('outdents a closing brace', () => {
    expect('  }').toMatch(decrease);
    expect('  epochs 3 }').not.toMatch(decrease);
  });
});

describe('the server command', () => {
  const none = () => false;

  it('is `seqnet lsp` on the PATH without a setting or a local install', () => {
    expect(serverCommand({ configuredPath: '', workspaceFolder: '/w', platform: 'linux', exists: none })).toEqual({ command: 'seqnet', args: ['lsp'], shell: false });
  });

  it("prefers the workspace's node_modules/.bin/seqnet", () => {
    const exists = (path: string) => path === join('/w', 'node_modules', '.bin', 'seqnet');
    expect(serverCommand({ configuredPath: '', workspaceFolder: '/w', platform: 'linux', exists }).command).toBe(join('/w', 'node_modules/.bin/seqnet'));
  });

  it('takes the setting, a relative path from the workspace folder, a bare name as it is', () => {
    expect(serverCommand({ configuredPath: 'bin/seqnet.js', workspaceFolder: '/w', platform: 'linux', exists: none }).command).toBe(join('/w', 'bin/seqnet.js'));
    expect(serverCommand({ configuredPath: '/opt/seqnet', workspaceFolder: '/w', platform: 'linux', exists: () => true }).command).toBe('/opt/seqnet');
    expect(serverCommand({ configuredPath: 'seqnet-dev', workspaceFolder: '/w', platform: 'linux', exists: none }).command).toBe('seqnet-dev');
  });

  it("runs npm's .cmd shim through a shell on Windows", () => {
    const exists = (path: string) => path.endsWith('seqnet.cmd');
    expect(serverCommand({ configuredPath: '', workspaceFolder: 'C:\\w', platform: 'win32', exists })).toMatchObject({ shell: true, command: expect.stringMatching(/seqnet\.cmd$/) });
  });
});

describe('npm run vsix', () => {
  const out = mkdtempSync(join(tmpdir(), 'seqnet-vsix-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  // A network namespace of its own has only a loopback device: any request for the network fails.
  const offline = spawnSync('unshare', ['-rn', 'true']).status === 0;

  it(`packages the grammar and the bundled client into a .vsix${offline ? ', without a network' : ''}`, () => {
    const packager = [process.execPath, join(ROOT, 'dist/scripts/package-vscode.js'), '--out', out];
    const argv = offline ? ['unshare', '-rn', ...packager] : packager;
    const run = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    const vsix = `${manifest.name}-${manifest.version}.vsix`;
    expect(readdirSync(out)).toEqual([vsix]);

    const files = readZip(readFileSync(join(out, vsix)));
    const packaged = [...files.keys()].filter((name) => name.startsWith('extension/')).sort();
    expect(packaged).toEqual(['extension/LICENSE.txt', 'extension/dist/extension.js', 'extension/language-configuration.json', 'extension/package.json', 'extension/readme.md', 'extension/syntaxes/seqnet.tmLanguage.json']);
    expect(files.get('extension/syntaxes/seqnet.tmLanguage.json')?.toString('utf8')).toBe(readFileSync(join(EXTENSION, 'syntaxes/seqnet.tmLanguage.json'), 'utf8'));
    const client = files.get('extension/dist/extension.js')?.toString('utf8') ?? '';
    // The language client is inside the bundle; only `vscode`, which the editor provides, is required.
    expect(client).toContain('require("vscode")');
    expect(client).not.toMatch(/require\("vscode-languageclient/);
    expect(client).toContain('"lsp"');
    expect(client).toContain('--stdio'); // the client library's stdio transport
  });
});
