/**
 * The text source's `fortune` format: fortune(6) files (records between lines holding only `%`) dealt whole to the
 * splits in an order shuffled by the source's seed. The loader is checked on a small fixture file written for
 * this test (test/data/fixtures/fortunes, 12 records), the message for a missing file through the command line.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadData, type PreparedData, type SampleSet } from '../../src/data/index.js';
import { fortuneRecords } from '../../src/data/text.js';
import type { DataIR } from '../../src/ir/types.js';
import { checkSpec } from '../../src/validate/index.js';
import { runCli, STACK_FRAME } from '../cli/subprocess.js';
import { shape } from './helpers.js';

const FIXTURE_DIR = new URL('./fixtures/', import.meta.url).pathname;
const FIXTURE = join(FIXTURE_DIR, 'fortunes');
const WINDOW = 8;
const FEATURES = 64;

function spec(source: string): string {
  return `seqnet 1
model fortunes
input { steps ${WINDOW}; features ${FEATURES} }
lstm 8
head next { units ${FEATURES}; activation softmax; at each_step; loss categorical_crossentropy }
train { epochs 1; batch_size 4; seed 1 }
data {
  ${source}
  split 0.5 0.25 0.25
}
`;
}

function load(seed: number, path = 'fortunes', split: DataIR['split'] = { train: 0.5, validation: 0.25, test: 0.25 }): Promise<PreparedData> {
  return loadData(
    { source: { type: 'text', path, window: WINDOW, stride: WINDOW, format: 'fortune', seed }, split },
    { baseDir: FIXTURE_DIR, validationSplit: 0, shape: shape({ steps: WINDOW, features: FEATURES, targetUnits: FEATURES, perStep: true }), saved: null },
  );
}

/** The text a set's windows read (inputs), window after window. */
function windowText(set: SampleSet, characters: string[]): string[] {
  const texts: string[] = [];
  for (let i = 0; i < set.count; i++) {
    let text = '';
    for (let s = 0; s < set.steps; s++) {
      const row = set.x.subarray((i * set.steps + s) * set.features, (i * set.steps + s + 1) * set.features);
      text += characters[row.indexOf(1)] ?? '\u0000';
    }
    texts.push(text);
  }
  return texts;
}

function vocabularyOf(data: PreparedData): string[] {
  if (data.preprocessing.kind !== 'vocabulary') throw new Error('a text source has a vocabulary');
  return data.preprocessing.characters;
}

describe('text source, format fortune: the language', () => {
  it('lowers `format fortune` and the seed, and defaults to plain text with seed 1', () => {
    const fortune = checkSpec(spec('source text "fortunes" { format fortune; seed 7 }'), 'a.seqnet');
    expect(fortune.ir?.data?.source).toEqual({ type: 'text', path: 'fortunes', window: WINDOW, stride: WINDOW, format: 'fortune', seed: 7 });
    const plain = checkSpec(spec('source text "corpus.txt"'), 'b.seqnet');
    expect(plain.ir?.data?.source).toMatchObject({ format: 'plain', seed: 1 });
  });

  it('refuses an unknown format', () => {
    const { ir, diagnostics } = checkSpec(spec('source text "fortunes" { format poem }'), 'c.seqnet');
    expect(ir).toBeNull();
    expect(diagnostics.some((d) => d.severity === 'error' && /poem|format/.test(d.message))).toBe(true);
  });

  it('warns that a seed does nothing to plain text', () => {
    const { ir, diagnostics } = checkSpec(spec('source text "corpus.txt" { seed 3 }'), 'd.seqnet');
    expect(ir).not.toBeNull();
    expect(diagnostics.map((d) => [d.code, d.severity])).toContainEqual(['SN3001', 'warning']);
    const fortune = checkSpec(spec('source text "fortunes" { format fortune; seed 3 }'), 'e.seqnet');
    expect(fortune.diagnostics).toEqual([]);
  });
});

describe('text source, format fortune: loading', () => {
  it('reads the records between `%` lines, each with its line breaks', async () => {
    const records = fortuneRecords(await readFile(FIXTURE, 'utf8'));
    expect(records).toHaveLength(12);
    expect(records[0]).toBe('A watched kettle never boils, but an unwatched one boils over.\n\t\t-- Kitchen proverb\n');
    expect(records.every((record) => record.endsWith('\n') && !/^%$/m.test(record))).toBe(true);
    expect(fortuneRecords('%\none\n%\n\n%\r\ntwo\r\n%\n')).toEqual(['one\n', 'two\n']);
  });

  it('keeps every record whole inside one split: no window reads text of two splits', async () => {
    const records = fortuneRecords(await readFile(FIXTURE, 'utf8'));
    const data = await load(1);
    const characters = vocabularyOf(data);
    // 12 records at 0.5 / 0.25 / 0.25: 6 / 3 / 3 whole records.
    expect(data.summary).toMatch(/12 fortunes \(6 \/ 3 \/ 3\)/);
    const parts = [data.train, data.validation, data.test].map((set) => windowText(set, characters));
    const owner = (window: string): number[] => {
      const found = records.flatMap((record, index) => (record.includes(window) ? [index] : []));
      return found;
    };
    // A window of 8 characters that lies inside one record is found in it; windows across two records of the same
    // split are allowed, but each of its records must belong to that split alone.
    const recordsOf = parts.map((windows) => new Set(windows.flatMap(owner)));
    for (let a = 0; a < 3; a++) {
      for (let b = a + 1; b < 3; b++) expect([...recordsOf[a]].filter((index) => recordsOf[b].has(index))).toEqual([]);
    }
    expect(recordsOf.every((set) => set.size > 0)).toBe(true);
  });

  it('deals the same records for the same seed and others for another seed', async () => {
    const first = await load(1);
    const again = await load(1);
    const other = await load(2);
    expect(again.validation.x).toEqual(first.validation.x);
    expect(again.train.y).toEqual(first.train.y);
    expect(windowText(other.validation, vocabularyOf(other))).not.toEqual(windowText(first.validation, vocabularyOf(first)));
  });

  it('gives a test fraction of 0 nothing: the records that rounding leaves over train', async () => {
    // 12 records at 0.8 / 0.2: 9.6 and 2.4 round down to 9 and 2; the twelfth trains rather than forming a test part.
    const data = await load(1, 'fortunes', { train: 0.8, validation: 0.2, test: 0 });
    expect(data.summary).toMatch(/12 fortunes \(10 \/ 2 \/ 0\)/);
    expect(data.test.count).toBe(0);
  });

  it('refuses a file without records', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqnet-fortune-'));
    await writeFile(join(dir, 'empty'), '%\n\n%\n');
    await expect(
      loadData(
        { source: { type: 'text', path: join(dir, 'empty'), window: WINDOW, stride: WINDOW, format: 'fortune', seed: 1 }, split: { train: 1, validation: 0, test: 0 } },
        { baseDir: dir, validationSplit: 0, shape: shape({ steps: WINDOW, features: FEATURES, targetUnits: FEATURES, perStep: true }), saved: null },
      ),
    ).rejects.toThrow(/empty: no fortune records/);
  });

  it('names the package that installs fortune files when the file is missing', async () => {
    await expect(load(1, 'no-such-fortunes')).rejects.toThrow(/^cannot read fortune file .*no-such-fortunes: no such file; .*`apt-get install fortunes`$/);
  });

  it('says so on one line, exit 2, from `seqnet train`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqnet-fortune-'));
    const text = spec('source text "missing/fortunes" { format fortune }');
    await writeFile(join(dir, 'spec.seqnet'), text);
    const run = await runCli(['train', 'spec.seqnet', '--backend', 'cpu'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.err).not.toMatch(STACK_FRAME);
    // The message points at the spec's `source` statement, the line to fix.
    const lines = text.split('\n');
    const line = lines.findIndex((candidate) => candidate.includes('source text')) + 1;
    const column = lines[line - 1].indexOf('source') + 1;
    expect(run.err.trim().split('\n')).toEqual([
      `seqnet: spec.seqnet:${line}:${column}: cannot read fortune file missing/fortunes: no such file; Debian and Ubuntu install fortune files under /usr/share/games/fortunes with \`apt-get install fortunes\``,
    ]);
  }, 60_000);
});
