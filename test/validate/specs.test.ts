/**
 * Every spec in specs/ is valid with no warnings, and its JSON form (`.seqnet.json`) validates and lowers to the
 * same IR, which is plain JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSpec, toJsonForm } from '../../src/validate/index.js';

const folder = join(import.meta.dirname, '../../specs');
const specs = readdirSync(folder).filter((name) => name.endsWith('.seqnet')).sort();

describe.each(specs)('%s', (name) => {
  const source = readFileSync(join(folder, name), 'utf8');

  it('is valid with no warnings', () => {
    const { diagnostics, ir } = checkSpec(source, name);
    expect(diagnostics).toEqual([]);
    expect(ir).not.toBeNull();
  });

  it('produces a plain-JSON IR', () => {
    const { ir } = checkSpec(source, name);
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir);
  });

  it('round-trips through the .seqnet.json form', () => {
    const { ir } = checkSpec(source, name);
    const jsonForm = toJsonForm(source, name);
    const jsonText = JSON.stringify(jsonForm.document, null, 2);
    const fromJson = checkSpec(jsonText, name.replace(/\.seqnet$/, '.seqnet.json'));
    expect(fromJson.diagnostics).toEqual([]);
    expect(fromJson.ir).toEqual(ir);
  });
});
