/** Rewrites the generated sections of docs/runtime.md (the equations of every cell and norm kind). */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { refreshRuntimeDoc } from '../src/explain/runtime-doc.js';

const path = join(process.cwd(), 'docs/runtime.md');
const current = readFileSync(path, 'utf8');
const fresh = refreshRuntimeDoc(current);
if (fresh !== current) {
  // Write next to the target, then rename: an interrupted run never leaves a half-written file.
  writeFileSync(`${path}.tmp`, fresh);
  renameSync(`${path}.tmp`, path);
  process.stdout.write('wrote docs/runtime.md\n');
}
