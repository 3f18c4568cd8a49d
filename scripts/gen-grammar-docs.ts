/** Regenerates grammar/cst.ts, the grammar section of grammar/README.md and grammar/diagrams.html. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateGrammarDocs } from '../grammar/docs-generator.js';

const root = process.cwd();
const files = generateGrammarDocs(readFileSync(join(root, 'grammar/README.md'), 'utf8'));
for (const [path, content] of Object.entries(files)) {
  const target = join(root, path);
  if (existsSync(target) && readFileSync(target, 'utf8') === content) continue;
  // Write next to the target, then rename: an interrupted run never leaves a half-written file.
  writeFileSync(`${target}.tmp`, content);
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote ${path}\n`);
}
