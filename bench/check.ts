/**
 * Front-end speed: checkSpec (parse, JSON form, schema, lowering, semantic checks) on every spec in specs/ and
 * on a generated 500-line spec; the first call (schema compilation included) and the median of warm runs. The
 * parse-only time of the same text is measured alongside as the in-run baseline.
 */
import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseSpec } from '../src/ast/index.js';
import { checkSpec } from '../src/validate/index.js';

const WARM_RUNS = 41;

/** A valid spec of about `lines` lines: a deep stack of small recurrent layers with options on each. */
export function generatedSpec(lines: number): string {
  const layers = Math.max(1, Math.floor((lines - 12) / 6));
  const body = Array.from({ length: layers }, (_, index) =>
    [`gru 16 {`, `  name block_${index}`, '  norm layer at input recurrent', '  dropout recurrent 0.1', '  zoneout hidden 0.05', '}'].join('\n'),
  );
  return ['seqnet 1', 'model generated', 'input {', '  steps 32', '  features 16', '}', ...body, 'head y {', '  units 1', '  at last_step', '}', ''].join('\n');
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

export async function run(): Promise<void> {
  const names = (await readdir('specs')).filter((name) => name.endsWith('.seqnet')).sort();
  const cases = await Promise.all(names.map(async (name) => ({ name, source: await readFile(`specs/${name}`, 'utf8') })));
  cases.push({ name: 'generated (500 lines)', source: generatedSpec(500) });
  const first = cases[0];
  const cold = time(() => checkSpec(first.source, first.name));
  // One pass over every case first, so no row pays for JIT compilation of code the others warmed up.
  for (const { name, source } of cases) checkSpec(source, name);
  const rows = cases.map(({ name, source }) => {
    const fileName = name.endsWith('.seqnet') ? name : 'generated.seqnet';
    const result = checkSpec(source, fileName);
    if (result.ir === null) throw new Error(`${name} is not valid: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    const check = median(Array.from({ length: WARM_RUNS }, () => time(() => checkSpec(source, fileName))));
    const parse = median(Array.from({ length: WARM_RUNS }, () => time(() => parseSpec(source, fileName))));
    return {
      spec: name,
      lines: source.split('\n').length,
      'checkSpec ms (median)': check.toFixed(3),
      'parse only ms': parse.toFixed(3),
      '× parse': (check / parse).toFixed(2),
    };
  });
  console.log(`check: first checkSpec call (schema compilation included) ${cold.toFixed(1)} ms; warm figures are medians of ${WARM_RUNS} runs`);
  console.table(rows);
}
