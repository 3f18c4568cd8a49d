/**
 * `npm run vsix`: bundles the VS Code extension's client (editors/vscode/src/extension.ts, with
 * vscode-languageclient, into one CommonJS file) and packages the extension with @vscode/vsce, offline.
 *
 * vsce packages a folder; it is given a staging folder holding exactly the files the extension needs (its
 * manifest, README, the repository's LICENSE, the language configuration, the grammar and the bundle), so
 * nothing else under editors/vscode (sources, tests, snapshots) can slip into the package and vsce has no
 * dependencies to look up (`dependencies: false`: the bundle already holds them).
 *
 * Usage: node dist/scripts/package-vscode.js [--out FOLDER]   (default: editors/vscode/out, ignored by git)
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createVSIX } from '@vscode/vsce';
import { build } from 'esbuild';

const ROOT = process.cwd();
const EXTENSION = join(ROOT, 'editors/vscode');
const BUNDLE = 'dist/extension.js';
/** What the package holds, relative to editors/vscode; LICENSE comes from the repository's root. */
const PACKAGED_FILES = ['package.json', 'README.md', 'language-configuration.json', 'syntaxes/seqnet.tmLanguage.json', BUNDLE];

async function bundleClient(): Promise<void> {
  await build({
    entryPoints: [join(EXTENSION, 'src/extension.ts')],
    outfile: join(EXTENSION, BUNDLE),
    bundle: true,
    // VS Code loads extensions with require() and provides the `vscode` module itself.
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: true,
    logLevel: 'warning',
  });
}

function stage(): string {
  const folder = mkdtempSync(join(tmpdir(), 'seqnet-vsix-'));
  for (const file of PACKAGED_FILES) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    copyFileSync(join(EXTENSION, file), join(folder, file));
  }
  copyFileSync(join(ROOT, 'LICENSE'), join(folder, 'LICENSE'));
  return folder;
}

function outFolder(argv: readonly string[]): string {
  const at = argv.indexOf('--out');
  if (at === -1) return join(EXTENSION, 'out');
  const value = argv[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error('--out needs a folder');
  return resolve(value);
}

async function main(): Promise<void> {
  const out = outFolder(process.argv.slice(2));
  const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8')) as { name: string; version: string };
  const packagePath = join(out, `${manifest.name}-${manifest.version}.vsix`);
  await bundleClient();
  const staged = stage();
  try {
    mkdirSync(out, { recursive: true });
    await createVSIX({ cwd: staged, packagePath, dependencies: false, allowMissingRepository: true, rewriteRelativeLinks: false });
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
  process.stdout.write(`wrote ${packagePath}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run vsix: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
