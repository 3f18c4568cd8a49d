/** Generator speed: all of specs/ generated cold (first call, ts-morph loading included) and warm. */
import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ModelIR } from '../src/ir/types.js';
import { checkSpec } from '../src/validate/index.js';

const WARM_ROUNDS = 5;

async function loadSpecs(): Promise<{ file: string; ir: ModelIR }[]> {
  const names = (await readdir('specs')).filter((name) => name.endsWith('.seqnet')).sort();
  const specs: { file: string; ir: ModelIR }[] = [];
  for (const name of names) {
    const file = `specs/${name}`;
    const { ir } = checkSpec(await readFile(file, 'utf8'), file);
    if (ir !== null) specs.push({ file, ir });
  }
  return specs;
}

export async function run(): Promise<void> {
  // Baseline measured in the same run: the front end (parse, validate, lower) on the same specs.
  const checkStart = performance.now();
  const specs = await loadSpecs();
  const check = performance.now() - checkStart;
  const coldStart = performance.now();
  // Imported here, not at the top, so that the cold time includes loading ts-morph and TypeScript.
  const { generateTypeScript } = await import('../src/codegen/index.js');
  const generateAll = () => specs.reduce((bytes, { file, ir }) => bytes + generateTypeScript(ir, { sourcePath: file }).length, 0);
  const bytes = generateAll();
  const cold = performance.now() - coldStart;
  const warmStart = performance.now();
  for (let round = 0; round < WARM_ROUNDS; round++) generateAll();
  const warm = (performance.now() - warmStart) / WARM_ROUNDS;
  console.log(`codegen: ${specs.length} specs, ${bytes} bytes of TypeScript`);
  const row = (name: string, ms: number) => ({
    case: name,
    'ms (all specs)': ms.toFixed(1),
    'ms per spec': (ms / specs.length).toFixed(2),
    '× checkSpec': (ms / check).toFixed(2),
  });
  console.table([
    row('checkSpec, all specs (baseline, first call)', check),
    row('generate cold (incl. ts-morph load)', cold),
    row(`generate warm (mean of ${WARM_ROUNDS})`, warm),
  ]);
  console.log('target: cold generation of ten specs under 2000 ms');
}
