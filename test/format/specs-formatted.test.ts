/** The shipped example specs are what users copy from; they must already be in `seqnet fmt`'s layout. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSpec } from '../../src/format/index.js';

const SPECS = join(import.meta.dirname, '../../specs');
const names = readdirSync(SPECS).filter((name) => name.endsWith('.seqnet')).sort();

describe('specs/*.seqnet', () => {
  it('finds the shipped specs', () => {
    expect(names).toContain('sine.seqnet');
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  it.each(names)('%s passes `seqnet fmt --check`', (name) => {
    const source = readFileSync(join(SPECS, name), 'utf8');
    const { text, diagnostics } = formatSpec(source, `specs/${name}`);
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(text).toBe(source);
  });
});
