/** Regenerates the VS Code extension's TextMate grammar from the language tables (see vscode-grammar.ts). */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GRAMMAR_PATH, grammarText } from './vscode-grammar.js';

const target = join(process.cwd(), GRAMMAR_PATH);
const text = grammarText();
if (existsSync(target) && readFileSync(target, 'utf8') === text) {
  process.stdout.write(`${GRAMMAR_PATH} is up to date\n`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  // Write next to the target, then rename: an interrupted run never leaves a half-written file.
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote ${GRAMMAR_PATH}\n`);
}
