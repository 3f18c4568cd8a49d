/**
 * `npm run experiment -- NAME [--backend NAME]`: runs one of the papers' experiments (docs/experiments.md) and
 * writes its results under experiments/results/ and its figures under docs/experiments/.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../src/backend/index.js';
import type { ExperimentContext } from './context.js';
import { runGradientFlow } from './gradient-flow/run.js';
import { runRegularization } from './regularization/run.js';

const EXPERIMENTS: Record<string, { about: string; run: (context: ExperimentContext) => Promise<void> }> = {
  gradient_flow: { about: 'Cooijmans et al. 2016, Figure 1a: ||∂loss/∂h_t|| of a BN tanh RNN against γ (about a minute)', run: runGradientFlow },
  regularization: { about: 'no dropout vs variational, candidate (Semeniuta) dropout and zoneout on fortunes: the train/validation gap in bits per character (50 min on a loaded 2-core machine)', run: runRegularization },
};

function usage(): string {
  return ['usage: npm run experiment -- NAME [--backend NAME]', ...Object.entries(EXPERIMENTS).map(([name, { about }]) => `  ${name}: ${about}`)].join('\n');
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const experiment = name === undefined ? undefined : EXPERIMENTS[name];
  const backendAt = rest.indexOf('--backend');
  const backend = backendAt === -1 ? undefined : rest[backendAt + 1];
  if (experiment === undefined || (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend))) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  const selected = await selectBackend(backend as BackendName | undefined);
  // dist/experiments/run.js → the repository root is two folders up.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  await experiment.run({ root, backend: selected.name, print: (text) => process.stdout.write(`${text}\n`) });
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
