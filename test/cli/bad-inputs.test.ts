/**
 * The command line under bad input and faults, as a subprocess: every case must end with one line that says
 * what is wrong (no stack trace, no "internal error"), the documented exit code (1 an invalid spec, 2 any
 * other user error) and no temporary or half-written file left behind.
 */
import { mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyRun, makeFixtures, TINY_SPEC, type Fixtures } from './fixtures.js';
import { canMount, runCli, STACK_FRAME, type CliOptions, type CliRun } from './subprocess.js';

/** What one case gets: its own empty working folder, and the shared fixtures. */
interface Case {
  dir: string;
  fx: Fixtures;
}

interface FaultCase {
  name: string;
  /** Prepares the case's folder and returns the command's arguments. */
  args: (c: Case) => Promise<string[]> | string[];
  exit: 1 | 2;
  /** The last line of stderr, after `seqnet: `. */
  message: RegExp;
  stdin?: string;
  /** `check` reports (every diagnostic, a missing file's too) on stdout, as its output, not as an error line. */
  report?: true;
  mounts?: (c: Case) => NonNullable<CliOptions['mounts']>;
  /** Further checks on what is (or is not) on disk afterwards. */
  after?: (c: Case, run: CliRun) => Promise<void>;
}

const readJson = async (path: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
const writeJson = (path: string, value: unknown): Promise<void> => writeFile(path, JSON.stringify(value));

async function editJson(path: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const json = await readJson(path);
  edit(json);
  await writeJson(path, json);
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes[offset] ^= 0xff;
  await writeFile(path, bytes);
}

async function spec(c: Case, name: string, text: string): Promise<string> {
  const path = join(c.dir, name);
  await writeFile(path, text);
  return path;
}

/** A run copy whose file `file` has been changed by `corrupt`. */
async function corruptedRun(c: Case, from: 'tinyRun' | 'csvRun', file: string, corrupt: (path: string) => Promise<void>): Promise<string> {
  const run = await copyRun(c.fx[from], c.dir);
  await corrupt(join(run, file));
  return run;
}

/** Every file under `dir`, recursively, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}

const TRAIN_FLAGS = ['--backend', 'cpu'];

const TRAIN: FaultCase[] = [
  { name: 'no spec and no --resume', args: () => ['train'], exit: 2, message: /give a spec file to train, or --resume RUN_DIR/ },
  { name: 'a spec and --resume together', args: (c) => ['train', c.fx.tinySpec, '--resume', c.fx.tinyRun], exit: 2, message: /not both/ },
  { name: 'a spec file that does not exist', args: () => ['train', 'missing.seqnet'], exit: 2, message: /cannot read 'missing\.seqnet': no such file/ },
  { name: 'a spec that is a folder', args: async (c) => (await mkdir(join(c.dir, 'd.seqnet')), ['train', 'd.seqnet']), exit: 2, message: /cannot read 'd\.seqnet'/ },
  { name: 'an invalid spec', args: async (c) => ['train', await spec(c, 'bad.seqnet', 'seqnet 1\nmodel bad\ninput { steps 10 }\n')], exit: 1, message: /bad\.seqnet: not trained \(the spec has errors\)/ },
  { name: 'binary garbage as a spec', args: async (c) => ['train', await spec(c, 'bin.seqnet', '\u0000\u0001\u00ff\u001b[31mgarbage')], exit: 1, message: /not trained/ },
  { name: '--epochs that is not a number', args: (c) => ['train', c.fx.tinySpec, '--epochs', 'many'], exit: 2, message: /--epochs needs a whole number of at least 1 \(got 'many'\)/ },
  { name: '--epochs 0', args: (c) => ['train', c.fx.tinySpec, '--epochs', '0'], exit: 2, message: /--epochs needs a whole number of at least 1/ },
  { name: 'a negative --batch-size', args: (c) => ['train', c.fx.tinySpec, '--batch-size', '-4'], exit: 2, message: /--batch-size needs a whole number/ },
  { name: 'a fractional --seed', args: (c) => ['train', c.fx.tinySpec, '--seed', '1.5'], exit: 2, message: /--seed needs a whole number/ },
  { name: 'an unknown --backend', args: (c) => ['train', c.fx.tinySpec, '--backend', 'gpu'], exit: 2, message: /unknown backend 'gpu'/ },
  { name: 'an unknown flag', args: (c) => ['train', c.fx.tinySpec, '--epoch', '3'], exit: 2, message: /^unknown option '--epoch'; did you mean --epochs\? \(see seqnet --help\)$/ },
  {
    name: '--runs-dir that is a file',
    args: async (c) => (await writeFile(join(c.dir, 'runs'), 'x'), ['train', c.fx.tinySpec, ...TRAIN_FLAGS, '--runs-dir', 'runs']),
    exit: 2,
    message: /^cannot create the folder 'runs': a part of the path is a file, not a folder$/,
  },
  { name: '--data with a synthetic source', args: (c) => ['train', c.fx.tinySpec, ...TRAIN_FLAGS, '--data', 'x.csv'], exit: 2, message: /synthetic source/ },
  { name: '--data that does not exist', args: (c) => ['train', c.fx.csvSpec, ...TRAIN_FLAGS, '--data', 'nowhere.csv'], exit: 2, message: /nowhere\.csv/ },
  {
    name: 'a file name with terminal control characters',
    args: (c) => ['train', c.fx.csvSpec, ...TRAIN_FLAGS, '--data', 'clear\u001b[2J\u0007.csv'],
    exit: 2,
    // Shown escaped: the ESC sequence would clear the user's screen, the BEL ring.
    message: /clear\\u001b\[2J\\u0007\.csv/,
  },
  {
    name: 'a CSV cell that is not a number',
    args: async (c) => {
      await writeFile(join(c.dir, 'bad.csv'), 'a,b\n1,2\n3,oops\n');
      return ['train', c.fx.csvSpec, ...TRAIN_FLAGS, '--data', 'bad.csv', '--runs-dir', 'runs'];
    },
    exit: 2,
    message: /^bad\.csv:3:3: column 'b' holds 'oops', which is not a number$/,
  },
  {
    name: 'a data path in the spec that does not exist',
    args: async (c) => ['train', await spec(c, 'lost.seqnet', (await readFile(c.fx.csvSpec, 'utf8')).replace('series.csv', 'lost.csv')), ...TRAIN_FLAGS],
    exit: 2,
    // Named at the spec's `source` statement, the line to change.
    message: /lost\.seqnet:\d+:\d+: cannot read \S*lost\.csv: no such file or folder$/,
  },
  { name: '--data that is a folder', args: async (c) => (await mkdir(join(c.dir, 'folder.csv')), ['train', c.fx.csvSpec, ...TRAIN_FLAGS, '--data', 'folder.csv']), exit: 2, message: /^cannot read \S*folder\.csv: it is a folder, not a file$/ },
  {
    name: 'a model name too long for the file system',
    args: async (c) => ['train', await spec(c, 'long.seqnet', TINY_SPEC.replace('model tiny', `model ${'m'.repeat(300)}`)), ...TRAIN_FLAGS, '--runs-dir', 'runs'],
    exit: 2,
    message: /too long/,
  },
];

const MOUNTED: FaultCase[] = [
  {
    name: 'train with --runs-dir on a read-only file system',
    args: async (c) => (await mkdir(join(c.dir, 'ro')), ['train', c.fx.tinySpec, ...TRAIN_FLAGS, '--runs-dir', 'ro']),
    mounts: (c) => [{ path: join(c.dir, 'ro'), size: 1 << 20, readOnly: true }],
    exit: 2,
    message: /cannot create the folder 'ro\/tiny': the file system is read-only/,
  },
  {
    name: 'train with a full disk',
    args: async (c) => (await mkdir(join(c.dir, 'full')), ['train', c.fx.tinySpec, ...TRAIN_FLAGS, '--runs-dir', 'full']),
    mounts: (c) => [{ path: join(c.dir, 'full'), size: 4096 }],
    exit: 2,
    message: /no space left on the device/,
  },
  {
    name: 'predict --output on a read-only file system',
    args: async (c) => {
      await writeFile(join(c.dir, 'in.jsonl'), '{"x": [[0.1],[0.2],[0.3],[0.4],[0.5],[0.6],[0.7],[0.8]]}\n');
      await mkdir(join(c.dir, 'ro'));
      return ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.jsonl', '--output', 'ro/out.jsonl'];
    },
    mounts: (c) => [{ path: join(c.dir, 'ro'), size: 1 << 20, readOnly: true }],
    exit: 2,
    message: /ro\/out\.jsonl.*read-only/,
  },
];

const RESUME: FaultCase[] = [
  { name: '--resume of a folder that does not exist', args: () => ['train', '--resume', 'nowhere'], exit: 2, message: /nowhere/ },
  { name: '--resume of a folder without a checkpoint', args: async (c) => (await mkdir(join(c.dir, 'empty')), ['train', '--resume', 'empty']), exit: 2, message: /^empty is not a run directory \(no manifest\.json\), so there is nothing to resume$/ },
  { name: '--resume of a finished run', args: async (c) => ['train', '--resume', await copyRun(c.fx.tinyRun, c.dir)], exit: 2, message: /already finished \(completed after 1 epochs\)/ },
  { name: '--resume with --data', args: (c) => ['train', '--resume', c.fx.tinyRun, '--data', 'x.csv'], exit: 2, message: /only --epochs, --backend and --threads apply/ },
  {
    name: '--resume with a checkpoint state that is not JSON',
    args: async (c) => ['train', '--resume', await corruptedRun(c, 'tinyRun', 'checkpoint/state.json', (p) => writeFile(p, '{"epoch": 1,')), '--epochs', '2', ...TRAIN_FLAGS],
    exit: 2,
    message: /state\.json/,
  },
  {
    name: '--resume with truncated checkpoint weights',
    args: async (c) => ['train', '--resume', await corruptedRun(c, 'tinyRun', 'checkpoint/weights.bin', (p) => truncate(p, 10)), '--epochs', '2', ...TRAIN_FLAGS],
    exit: 2,
    message: /weights\.bin/,
  },
  {
    name: '--resume with flipped bytes in the optimizer state',
    args: async (c) => ['train', '--resume', await corruptedRun(c, 'tinyRun', 'checkpoint/optimizer.bin', (p) => flipByte(p, 0)), '--epochs', '2', ...TRAIN_FLAGS],
    exit: 2,
    message: /optimizer\.bin/,
  },
  {
    name: '--resume with an ir.json that is not JSON',
    args: async (c) => ['train', '--resume', await corruptedRun(c, 'tinyRun', 'ir.json', (p) => writeFile(p, 'not json')), '--epochs', '2', ...TRAIN_FLAGS],
    exit: 2,
    message: /ir\.json/,
  },
  {
    name: '--resume with ir.json missing',
    args: async (c) => ['train', '--resume', await corruptedRun(c, 'tinyRun', 'ir.json', (p) => writeFile(p, '').then(() => truncate(p, 0))), '--epochs', '2', ...TRAIN_FLAGS],
    exit: 2,
    message: /ir\.json/,
  },
];

const EVALUATE: FaultCase[] = [
  { name: 'a run that does not exist', args: () => ['evaluate', 'nowhere'], exit: 2, message: /nowhere/ },
  { name: 'a run that is a file', args: async (c) => (await writeFile(join(c.dir, 'f'), 'x'), ['evaluate', 'f']), exit: 2, message: /f/ },
  { name: 'model.json that is not JSON', args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'model.json', (p) => writeFile(p, '{'))], exit: 2, message: /model\.json/ },
  {
    name: 'model.json without a weights manifest',
    args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'model.json', (p) => editJson(p, (json) => delete json.weightsManifest))],
    exit: 2,
    message: /model\.json/,
  },
  {
    name: 'a weights path that leaves the run folder',
    args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'model.json', (p) => editJson(p, (json) => ((json.weightsManifest as { paths: string[] }[])[0].paths = ['../../../../../../etc/passwd'])))],
    exit: 2,
    message: /run\/model\.json: does not match manifest\.json .*: the file was changed or damaged/,
  },
  { name: 'truncated weights', args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'weights.bin', (p) => truncate(p, 12))], exit: 2, message: /weights\.bin/ },
  { name: 'flipped bytes in the weights', args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'weights.bin', (p) => flipByte(p, 5))], exit: 2, message: /weights\.bin/ },
  {
    name: 'weights that are all NaN',
    args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'weights.bin', async (p) => writeFile(p, new Uint8Array(new Float32Array((await stat(p)).size / 4).fill(Number.NaN).buffer)))],
    exit: 2,
    message: /weights\.bin/,
  },
  { name: 'weights.bin missing', args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'weights.bin', (p) => import('node:fs/promises').then((fs) => fs.rm(p)))], exit: 2, message: /weights\.bin/ },
  {
    name: 'a preprocessing.json that is not the run’s',
    args: async (c) => ['evaluate', await corruptedRun(c, 'csvRun', 'preprocessing.json', (p) => editJson(p, (json) => (json.kind = 'none')))],
    exit: 2,
    message: /preprocessing\.json/,
  },
  { name: 'an ir.json that is not JSON', args: async (c) => ['evaluate', await corruptedRun(c, 'tinyRun', 'ir.json', (p) => writeFile(p, '[1,'))], exit: 2, message: /ir\.json/ },
  { name: '--data that does not exist', args: (c) => ['evaluate', c.fx.csvRun, '--backend', 'cpu', '--data', 'nowhere.csv'], exit: 2, message: /nowhere\.csv/ },
  { name: '--data for a synthetic source', args: (c) => ['evaluate', c.fx.tinyRun, '--backend', 'cpu', '--data', 'x.csv'], exit: 2, message: /--data needs a spec whose data source reads a file/ },
  { name: 'an unknown --backend', args: (c) => ['evaluate', c.fx.tinyRun, '--backend', 'tpu'], exit: 2, message: /unknown backend 'tpu'/ },
];

const jsonl = '{"x": [[0.1],[0.2],[0.3],[0.4],[0.5],[0.6],[0.7],[0.8]]}\n';

const PREDICT: FaultCase[] = [
  { name: 'no --input', args: (c) => ['predict', c.fx.tinyRun], exit: 2, message: /predict needs --input FILE/ },
  { name: '--input that does not exist', args: (c) => ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'nowhere.jsonl'], exit: 2, message: /nowhere\.jsonl/ },
  { name: '--input of an unknown kind', args: async (c) => (await writeFile(join(c.dir, 'in.txt'), 'x'), ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.txt']), exit: 2, message: /predict reads \.csv or \.jsonl files/ },
  { name: 'CSV input for a model not trained on CSV', args: async (c) => (await writeFile(join(c.dir, 'in.csv'), 'a\n1\n'), ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.csv']), exit: 2, message: /not trained on CSV data/ },
  { name: 'malformed JSON Lines', args: async (c) => (await writeFile(join(c.dir, 'in.jsonl'), '{"x": [[1]\n'), ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.jsonl']), exit: 2, message: /^in\.jsonl:1:11: not valid JSON/ },
  { name: 'JSON Lines of the wrong width', args: async (c) => (await writeFile(join(c.dir, 'in.jsonl'), '{"x": [[1, 2]]}\n'), ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.jsonl']), exit: 2, message: /in\.jsonl/ },
  { name: 'a CSV input missing a column', args: async (c) => (await writeFile(join(c.dir, 'in.csv'), 'a\n1\n2\n3\n4\n5\n'), ['predict', c.fx.csvRun, '--backend', 'cpu', '--input', 'in.csv']), exit: 2, message: /in\.csv.*b/ },
  {
    name: '--output that is a folder',
    args: async (c) => {
      await writeFile(join(c.dir, 'in.jsonl'), jsonl);
      await mkdir(join(c.dir, 'out'));
      return ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.jsonl', '--output', 'out'];
    },
    exit: 2,
    message: /out.*folder/,
  },
  {
    name: '--output in a folder that does not exist',
    args: async (c) => (await writeFile(join(c.dir, 'in.jsonl'), jsonl), ['predict', c.fx.tinyRun, '--backend', 'cpu', '--input', 'in.jsonl', '--output', 'no/such/out.jsonl']),
    exit: 2,
    message: /no\/such\/out\.jsonl/,
  },
  { name: '--generate for a model not trained on text', args: (c) => ['predict', c.fx.tinyRun, '--backend', 'cpu', '--generate', '10'], exit: 2, message: /--generate needs a model trained on a text source/ },
  { name: '--generate that is not a count', args: (c) => ['predict', c.fx.tinyRun, '--generate', 'lots'], exit: 2, message: /--generate needs a whole number/ },
  { name: 'a negative --temperature', args: (c) => ['predict', c.fx.tinyRun, '--generate', '5', '--temperature', '-1'], exit: 2, message: /--temperature/ },
  { name: 'predict on a run that does not exist', args: () => ['predict', 'nowhere', '--input', 'x.jsonl'], exit: 2, message: /nowhere/ },
];

const GENERATE: FaultCase[] = [
  { name: '--out that is an existing file', args: async (c) => (await writeFile(join(c.dir, 'out.ts'), 'x'), ['generate', c.fx.tinySpec, '--out', 'out.ts']), exit: 2, message: /out\.ts/ },
  {
    name: 'two specs with the same file name',
    args: async (c) => {
      await mkdir(join(c.dir, 'a'));
      await mkdir(join(c.dir, 'b'));
      await writeFile(join(c.dir, 'a', 'x.seqnet'), TINY_SPEC);
      await writeFile(join(c.dir, 'b', 'x.seqnet'), TINY_SPEC);
      return ['generate', 'a/x.seqnet', 'b/x.seqnet', '--out', 'gen'];
    },
    exit: 2,
    message: /x/,
    after: async (c) => expect(await listFiles(c.dir).then((files) => files.filter((file) => file.startsWith('gen')))).toEqual([]),
  },
  { name: 'an invalid spec', args: async (c) => ['generate', await spec(c, 'bad.seqnet', 'seqnet 1\nmodel bad\n'), '--out', 'gen'], exit: 1, message: /invalid|not a valid spec/ },
  { name: 'a spec that does not exist', args: () => ['generate', 'missing.seqnet', '--out', 'gen'], exit: 2, message: /missing\.seqnet/ },
  { name: 'no files and no specs/ folder', args: () => ['generate'], exit: 2, message: /no files given and no specs\/ folder here/ },
];

const FORMAT: FaultCase[] = [
  { name: 'a file that does not exist', args: () => ['fmt', 'missing.seqnet'], exit: 2, message: /missing\.seqnet/ },
  { name: 'a folder', args: async (c) => (await mkdir(join(c.dir, 'd')), ['fmt', 'd']), exit: 2, message: /d/ },
  { name: 'a syntax error', args: async (c) => ['fmt', await spec(c, 'bad.seqnet', 'seqnet 1\nmodel {{{\n')], exit: 1, message: /bad\.seqnet:2:8: error\[SN0010\]/ },
  { name: '--check of an unformatted file', args: async (c) => ['fmt', '--check', await spec(c, 'ugly.seqnet', TINY_SPEC.replace('lstm 4', 'lstm    4'))], exit: 1, message: /ugly\.seqnet/ },
];

const CHECK_AND_USAGE: FaultCase[] = [
  { name: 'check of a file that does not exist', args: () => ['check', 'missing.seqnet'], exit: 2, report: true, message: /missing\.seqnet: error\[SN1000\]: cannot read 'missing\.seqnet': no such file/ },
  { name: 'check --format of an unknown kind', args: (c) => ['check', c.fx.tinySpec, '--format', 'xml'], exit: 2, message: /unknown format 'xml'/ },
  { name: 'an unknown command', args: () => ['trian'], exit: 2, message: /^unknown command 'trian'; did you mean train\?/ },
  { name: 'explain of an invalid spec', args: async (c) => ['explain', await spec(c, 'bad.seqnet', 'seqnet 1\n')], exit: 1, message: /not a valid spec/ },
  { name: 'summary of a file that does not exist', args: () => ['summary', 'missing.seqnet'], exit: 2, message: /missing\.seqnet/ },
];

const GROUPS: Record<string, FaultCase[]> = {
  train: TRAIN,
  'train --resume': RESUME,
  evaluate: EVALUATE,
  predict: PREDICT,
  generate: GENERATE,
  fmt: FORMAT,
  'check and usage': CHECK_AND_USAGE,
};

let fx: Fixtures;
beforeAll(async () => {
  fx = await makeFixtures();
}, 240_000);

let caseCount = 0;
async function runCase(fault: FaultCase): Promise<void> {
  caseCount += 1;
  const dir = join(fx.root, 'cases', String(caseCount));
  await mkdir(dir, { recursive: true });
  const c: Case = { dir, fx };
  const args = await fault.args(c);
  const run = await runCli(args, { cwd: dir, stdin: fault.stdin, mounts: fault.mounts?.(c) });
  const context = `seqnet ${args.join(' ')}\nexit ${run.code}\nstdout:\n${run.out}\nstderr:\n${run.err}`;
  expect(run.err, context).not.toMatch(STACK_FRAME);
  expect(run.err, context).not.toMatch(/internal error/);
  expect(run.code, context).toBe(fault.exit);
  if (fault.report === true) {
    expect(run.out, context).toMatch(fault.message);
  } else if (fault.exit === 2) {
    // A user error is one line on stderr, whatever the command printed before it on stdout.
    const lines = run.err.trimEnd().split('\n');
    expect(lines, context).toHaveLength(1);
    expect(lines[0], context).toMatch(/^seqnet: /);
    expect(lines[0].slice('seqnet: '.length), context).toMatch(fault.message);
  } else {
    // An invalid spec is shown as its located diagnostics (file:line:col), then what was not done.
    expect(`${run.out}${run.err}`, context).toMatch(fault.message);
  }
  const leftovers = (await listFiles(dir)).filter((file) => /\.tmp-/.test(file));
  expect(leftovers, context).toEqual([]);
  await fault.after?.(c, run);
}

for (const [command, cases] of Object.entries(GROUPS)) {
  describe.concurrent(`seqnet ${command}`, () => {
    for (const fault of cases) it(fault.name, () => runCase(fault));
  });
}

describe.skipIf(!canMount).concurrent('seqnet on full and read-only file systems', () => {
  for (const fault of MOUNTED) it(fault.name, () => runCase(fault));
});

it('has at least 60 cases', () => {
  expect(Object.values(GROUPS).flat().length + MOUNTED.length).toBeGreaterThanOrEqual(60);
});
