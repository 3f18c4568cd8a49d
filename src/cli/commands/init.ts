/**
 * `seqnet init [NAME]`: starts a project in the current folder with a spec that checks and trains as it is
 * (`specs/NAME.seqnet`, an LSTM forecasting a CSV series), the series it reads (`data/NAME.csv`, a stub to
 * replace with real data) and a line in `README.md` saying how to check and train it.
 *
 * It never overwrites a file: if the spec or the data file exists it refuses before writing anything. The
 * files appear together or not at all: each is written to a temporary file first, then linked to its name
 * (a link fails instead of replacing a file that appeared in the meantime), and a failure removes what was
 * already linked. An existing README gets the line appended (through a temporary copy and a rename).
 */
import { constants } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { temporaryPath } from '../../io/atomic.js';
import { IDENTIFIER_PATTERN } from '../../validate/schema-helpers.js';
import { CliError, ExitCode, systemUserError } from '../errors.js';

const README = 'README.md';
/** Rows in the data stub: enough for 80/10/10 splits whose validation and test parts hold a window each. */
const STUB_ROWS = 240;
const WINDOW = 8;

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('start a project here: specs/NAME.seqnet (trains as it is), data/NAME.csv (a stub) and a README line')
    .argument('[name]', 'the model name: letters, digits and _ (default: this folder’s name)')
    .action(initAction);
}

interface StarterFile {
  target: string;
  text: string;
  /** Replace an existing file (the README, with the line appended) instead of refusing. */
  replace: boolean;
}

async function initAction(name: string | undefined): Promise<void> {
  const model = name ?? nameFromFolder(process.cwd());
  if (!new RegExp(IDENTIFIER_PATTERN).test(model)) {
    throw new CliError(`'${model}' cannot be a model name: use letters, digits and _, not starting with a digit`, ExitCode.Usage);
  }
  const spec = path.join('specs', `${model}.seqnet`);
  const data = path.join('data', `${model}.csv`);
  const readme = await readIfExists(README);
  const files: StarterFile[] = [
    { target: spec, text: starterSpec(model), replace: false },
    { target: data, text: dataStub(), replace: false },
    { target: README, text: withReadmeLine(readme, model, spec, data), replace: readme !== null },
  ];
  await writeTogether(files);
  process.stdout.write(`created ${spec} and ${data}; ${readme === null ? 'wrote' : 'added a line to'} ${README}\n`);
  process.stdout.write(`next: seqnet check ${spec} && seqnet train ${spec}\n`);
}

/** `My Project-2` → `my_project_2`; `model` when nothing usable is left. */
export function nameFromFolder(folder: string): string {
  const name = path.basename(folder).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return 'model';
  return /^[0-9]/.test(name) ? `model_${name}` : name;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw asCliError(error);
  }
}

function refusal(target: string): CliError {
  return new CliError(`${target} already exists; nothing written (seqnet init never overwrites a file)`, ExitCode.Usage);
}

function asCliError(error: unknown): unknown {
  return systemUserError(error) ?? error;
}

/** Writes every file or none (see the module comment). */
async function writeTogether(files: readonly StarterFile[]): Promise<void> {
  for (const file of files) if (!file.replace && (await readIfExists(file.target)) !== null) throw refusal(file.target);
  const createdFolders: string[] = [];
  const placed: string[] = [];
  const staged = files.map((file) => ({ ...file, temporary: temporaryPath(file.target) }));
  try {
    for (const file of staged) {
      createdFolders.push(...(await makeFolder(path.dirname(file.target))));
      await writeFile(file.temporary, file.text, 'utf8');
    }
    for (const file of staged) {
      if (file.replace) await rename(file.temporary, file.target);
      else await placeExclusively(file.temporary, file.target);
      placed.push(file.target);
    }
  } catch (error) {
    // Undo: nothing of this run may stay behind (a replaced README is last, so it is never undone). The
    // folders it made go last, once the files in them are gone.
    await Promise.all([...placed, ...staged.map((file) => file.temporary)].map((file) => rm(file, { force: true })));
    for (const folder of createdFolders.reverse()) await rmdir(folder).catch(() => undefined);
    throw asCliError(error);
  }
  await Promise.all(staged.map((file) => rm(file.temporary, { force: true })));
}

/** Creates `folder` (and parents) and returns the folders it created, innermost last. */
async function makeFolder(folder: string): Promise<string[]> {
  const first = await mkdir(folder, { recursive: true });
  if (first === undefined) return [];
  const created: string[] = [];
  for (let at = path.resolve(folder); at.length >= path.resolve(first).length; at = path.dirname(at)) created.unshift(at);
  return created;
}

/** Gives the temporary file its name unless that name exists (atomically: no check-then-write race). */
async function placeExclusively(temporary: string, target: string): Promise<void> {
  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw refusal(target);
    // File systems without hard links: an exclusive copy still never replaces a file.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    await copyFile(temporary, target, constants.COPYFILE_EXCL).catch((copyError: NodeJS.ErrnoException) => {
      throw copyError.code === 'EEXIST' ? refusal(target) : copyError;
    });
  }
}

function withReadmeLine(readme: string | null, model: string, spec: string, data: string): string {
  const line = `- \`${toPosix(spec)}\`: the ${model} model, trained on \`${toPosix(data)}\`; check it with \`seqnet check ${toPosix(spec)}\`, train it with \`seqnet train ${toPosix(spec)}\`.\n`;
  if (readme === null) return `# ${model}\n\n${line}`;
  return `${readme}${readme === '' || readme.endsWith('\n') ? '' : '\n'}${line}`;
}

const toPosix = (file: string): string => file.split(path.sep).join('/');

/** A spec that checks and trains as it is, formatted as `seqnet fmt` writes it. */
export function starterSpec(model: string): string {
  return `seqnet 1
# A starter model: an LSTM reads the last ${WINDOW} steps of a series and forecasts the next value.
# Put your own series in data/${model}.csv (a header row, then one row per time step, in time order)
# and name its columns below. \`seqnet check\` checks this file, \`seqnet train\` trains it, and
# \`seqnet explain\` prints the equations it computes.
model ${model}
description "The next value of the series in data/${model}.csv from the previous ${WINDOW} steps"

input {
  steps ${WINDOW}
  features 1
}

lstm 16

head next {
  units 1
  at last_step
  loss mse
  metrics mae
}

train {
  optimizer adam { learning_rate 0.01 }
  epochs 20
  early_stopping 5
  seed 1
}

data {
  source csv "../data/${model}.csv" {
    features value
    targets value
    window ${WINDOW}
    horizon 1
    standardize true
  }
  split 0.8 0.1 0.1
}
`;
}

/** A stub series to replace: a noiseless seasonal curve on a slow trend, so the starter trains as it is. */
export function dataStub(): string {
  const rows = Array.from({ length: STUB_ROWS }, (_, step) => {
    const value = 10 + 0.02 * step + Math.sin((2 * Math.PI * step) / 24);
    return `${step},${value.toFixed(4)}`;
  });
  return `step,value\n${rows.join('\n')}\n`;
}
