/**
 * The project stands on its own: its docs are the reference, so nothing in the sources, the tests, the docs,
 * the grammar or the README may cite a file that is not in the repository: no notes kept next to it (a
 * semantics note, a `shared` folder beside the checkout), no docs page that does not exist, no relative link
 * out of the tree.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function filesUnder(path: string): string[] {
  if (!statSync(join(ROOT, path)).isDirectory()) return [path];
  return readdirSync(join(ROOT, path)).flatMap((name) => filesUnder(join(path, name)));
}

const FILES = ['src', 'test', 'docs', 'grammar', 'README.md'].flatMap(filesUnder);
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');
/** Markdown without fenced blocks and code spans, whose brackets and parentheses are not links. */
const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');

/** Written in pieces so that this file does not cite them itself. */
const OUTSIDE_FILES = [['SEMANTICS', 'md'].join('.'), ['..', 'shared'].join('/')];

describe('the repository is self-contained', () => {
  it('reads the files it checks', () => {
    expect(FILES).toContain('README.md');
    expect(FILES).toContain('docs/runtime.md');
    expect(FILES.filter((file) => file.startsWith('src/')).length).toBeGreaterThan(100);
  });

  it('no file cites the notes that lived outside the repository', () => {
    const citing = FILES.flatMap((file) => OUTSIDE_FILES.filter((name) => text(file).includes(name)).map((name) => `${file} cites ${name}`));
    expect(citing).toEqual([]);
  });

  it('every docs page that a file names exists', () => {
    const missing = FILES.flatMap((file) =>
      [...text(file).matchAll(/\bdocs\/[\w-]+\.md\b/g)].map((match) => match[0]).filter((page) => !existsSync(join(ROOT, page))).map((page) => `${file} names ${page}`),
    );
    expect(missing).toEqual([]);
  });

  it('every relative link in the docs and the README points at a file inside the repository', () => {
    const markdown = FILES.filter((file) => file.endsWith('.md'));
    const broken = markdown.flatMap((file) =>
      [...prose(text(file)).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((match) => match[1])
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => {
          const path = resolve(ROOT, dirname(file), target);
          return relative(ROOT, path).startsWith('..') || !existsSync(path);
        })
        .map((target) => `${file} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
