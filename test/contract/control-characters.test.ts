/**
 * Raw control characters from a spec never reach the terminal: diagnostics (text and JSON) and `explain` show
 * them as `\uXXXX`, and a very long line is shown as a window around the span.
 */
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/diagnostics/render.js';
import { explainModel } from '../../src/explain/index.js';
import { checkSpec } from '../../src/validate/index.js';

/** Every character a terminal may act on, apart from the line breaks between output lines. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const ESC = '\u001b';
const HOSTILE = [`${ESC}[2J${ESC}]0;pwned\u0007`, '\r', '\u0007', '\u009b31m', '\u202e', '\u2028', '\u0000'];

function render(source: string, file: string, format: 'text' | 'json'): string {
  const { diagnostics } = checkSpec(source, file);
  expect(diagnostics.length).toBeGreaterThan(0);
  return renderDiagnostics(diagnostics, new Map([[file, source]]), { format, color: false });
}

const base = 'seqnet 1\nmodel m\ninput { steps 10; features 1 }\nlstm 8\nhead y { units 1 }\n';

describe.each(HOSTILE.map((text) => [JSON.stringify(text), text]))('the characters %s', (_, hostile) => {
  const cases: Record<string, [string, string]> = {
    'raw, as garbage in a .seqnet file': [`${base}x${hostile}\n`, 'm.seqnet'],
    'raw, inside an identifier': [base.replace('lstm 8', `lstm 8 { name a${hostile}b }`), 'm.seqnet'],
    'in a .seqnet string value': [base.replace('lstm 8', `lstm 8 { activation "${JSON.stringify(hostile).slice(1, -1)}" }`), 'm.seqnet'],
    'in a .seqnet.json value': [JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 1, features: 1 }, heads: [{ name: 'y', units: 1, at: hostile }] }), 'm.seqnet.json'],
    'in a .seqnet.json key': [JSON.stringify({ seqnet: 1, model: 'm', input: { steps: 1, features: 1 }, heads: [{ name: 'y', units: 1 }], [hostile]: 1 }), 'm.seqnet.json'],
    'in the file name': [`${base}bogus 1\n`, `m${hostile}.seqnet`],
  };
  for (const [where, [source, file]] of Object.entries(cases)) {
    it(`${where}: escaped in text and JSON output`, () => {
      const text = render(source, file, 'text');
      expect(text).not.toMatch(UNSAFE);
      const json = render(source, file, 'json');
      expect(json).not.toMatch(UNSAFE);
      // The JSON output still parses, with one entry per diagnostic.
      expect(JSON.parse(json)).toHaveLength(checkSpec(source, file).diagnostics.length);
      if (file.includes(hostile)) expect(JSON.parse(json)[0].file).toBe(file);
    });
  }
});

describe('explain', () => {
  it('escapes control characters in the description (text and markdown)', () => {
    const { ir } = checkSpec(base.replace('model m', `model m\ndescription "a\\u001b[31mred\\r\\u0007"`), 'm.seqnet');
    for (const format of ['text', 'markdown'] as const) {
      const output = explainModel(ir!, { format });
      expect(output).toContain('a\\u001b[31mred\\u000d\\u0007');
      expect(output).not.toMatch(UNSAFE);
    }
  });
});

describe('code frames of long lines', () => {
  it('keep a context line that is longer than the line of the span', () => {
    const source = `${base}head z { units 1; at each_step; activation linear; loss mse; metrics mae }\ntrain { epochs -1 }\n`;
    const lines = render(source, 'm.seqnet', 'text').split('\n');
    expect(lines[1]).toBe('6 | head z { units 1; at each_step; activation linear; loss mse; metrics mae }');
  });

  it('show a window around the span, with the underline in place', () => {
    const padding = ' '.repeat(5000);
    const source = `{"seqnet": 1, "model": "m",${padding}"input": {"steps": 1, "features": 1}, "heads": [{"name": "y", "units": 1}], "bogus": 1}`;
    const text = render(source, 'm.seqnet.json', 'text');
    const [location, frameLine, underline] = text.split('\n');
    expect(location).toMatch(/^m\.seqnet\.json:1:\d+: error\[SN1002\]: unknown field 'bogus'/);
    expect(frameLine.length).toBeLessThan(140);
    expect(frameLine).toMatch(/^1 \| …/);
    // The carets sit under "bogus" (with its quotes, the key's span).
    const caret = underline.indexOf('^');
    expect(frameLine.slice(caret, caret + 7)).toBe('"bogus"');
  });
});
