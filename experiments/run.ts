/**
 * `npm run experiment -- NAME [--backend NAME] [OPTIONS]`: runs one of the papers' experiments
 * (docs/experiments.md) and writes its results under experiments/results/ and its figures under docs/experiments/.
 * Errors are one line: exit 2 for a command line it cannot take, 1 for a failed experiment.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../src/backend/index.js';
import { UsageError, type ExperimentContext } from './context.js';
import { runGradientFlow } from './gradient-flow/run.js';
import { MNIST_USAGE, runMnist } from './mnist/run.js';
import { runRegularization } from './regularization/run.js';
import { ExperimentError } from './shared.js';

interface Experiment {
  about: string;
  /** The options it takes, for the usage text; an experiment without takes none. */
  options?: string;
  run: (context: ExperimentContext) => Promise<void>;
}

const EXPERIMENTS: Record<string, Experiment> = {
  gradient_flow: { about: 'Cooijmans et al. 2016, Figure 1a: ||∂loss/∂h_t|| of a BN tanh RNN against γ (about a minute)', run: runGradientFlow },
  mnist: { about: 'Cooijmans et al. 2016, Figure 2: LSTM, BN-LSTM and LN-LSTM on sequential and permuted 14×14 MNIST, validation accuracy against updates (under an hour on 2 cores)', options: MNIST_USAGE, run: runMnist },
  regularization: { about: 'no dropout vs variational, candidate (Semeniuta) dropout and zoneout on fortunes: the train/validation gap in bits per character (50 min on a loaded 2-core machine)', run: runRegularization },
};

function usage(): string {
  const lines = ['usage: npm run experiment -- NAME [--backend NAME] [OPTIONS]', ...Object.entries(EXPERIMENTS).map(([name, { about }]) => `  ${name}: ${about}`)];
  return [...lines, ...Object.values(EXPERIMENTS).flatMap(({ options }) => (options === undefined ? [] : [options]))].join('\n');
}

/** The experiment, its backend and its own arguments; a UsageError for anything else. */
function parseCommandLine(args: string[]): { experiment: Experiment; backend: BackendName | undefined; rest: string[] } {
  const [name, ...rest] = args;
  const experiment = name === undefined ? undefined : EXPERIMENTS[name];
  if (experiment === undefined) throw new UsageError(name === undefined ? 'which experiment?' : `no experiment '${name}'`);
  const backendAt = rest.indexOf('--backend');
  const backend = backendAt === -1 ? undefined : rest[backendAt + 1];
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`no backend '${backend}' (${BACKEND_NAMES.join(', ')})`);
  if (backendAt !== -1 && backend === undefined) throw new UsageError('--backend needs a name');
  const own = backendAt === -1 ? rest : [...rest.slice(0, backendAt), ...rest.slice(backendAt + 2)];
  if (experiment.options === undefined && own.length > 0) throw new UsageError(`${name} takes no options (${own.join(' ')})`);
  return { experiment, backend: backend as BackendName | undefined, rest: own };
}

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  try {
    const { experiment, backend, rest } = parseCommandLine(args);
    const selected = await selectBackend(backend);
    // dist/experiments/run.js → the repository root is two folders up.
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    await experiment.run({ root, backend: selected.name, args: rest, print: (text) => process.stdout.write(`${text}\n`) });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${usage()}\n`);
      return 2;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ExperimentError ? error.exitCode : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
