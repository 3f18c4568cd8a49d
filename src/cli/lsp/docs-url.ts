/** The docs a diagnostic links to: docs/diagnostics.md of the installed seqnet package, as a file URL. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The package root: the folder above this module that holds docs/diagnostics.md. This module runs from src/cli/lsp
 * (tests) or dist/src/cli/lsp (the built CLI, also inside node_modules), so it is found by walking up.
 */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'docs', 'diagnostics.md')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

let root: string | null | undefined;

/** `docs/diagnostics.md#sn1002-…` (relative to the package root) → a `file:` URL with the same anchor. */
export function docsUrl(relative: string): string {
  root ??= packageRoot();
  const [path, anchor] = relative.split('#');
  const base = root === null ? relative : pathToFileURL(join(root, path)).href;
  return anchor === undefined ? base : `${base}#${anchor}`;
}
