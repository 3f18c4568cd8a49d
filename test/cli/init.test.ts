/** `seqnet init`, run as a user runs it: the starter checks and trains, and it never overwrites or half-writes. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canMount, runCli, STACK_FRAME, type CliRun } from './subprocess.js';

const folders: string[] = [];
function folder(name = 'project'): string {
  const parent = mkdtempSync(join(tmpdir(), 'seqnet-init-'));
  folders.push(parent);
  const path = join(parent, name);
  mkdirSync(path);
  return path;
}
afterEach(() => folders.splice(0).forEach((path) => rmSync(path, { recursive: true, force: true })));

function expectOneLineError(run: CliRun, code: number, message: string | RegExp): void {
  expect(run.code, run.err).toBe(code);
  expect(run.err.split('\n')).toHaveLength(2);
  expect(run.err).toMatch(message);
  expect(run.err).not.toMatch(STACK_FRAME);
}

describe('seqnet init', () => {
  it('writes a starter spec that is formatted, checks and trains, its data and a README', async () => {
    const cwd = folder();
    const init = await runCli(['init', 'demo'], { cwd });
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain('created specs/demo.seqnet and data/demo.csv; wrote README.md');
    expect(readdirSync(cwd).sort()).toEqual(['README.md', 'data', 'specs']);
    expect(readFileSync(join(cwd, 'README.md'), 'utf8')).toMatch(/^# demo\n\n- `specs\/demo\.seqnet`: .*seqnet train specs\/demo\.seqnet/);
    expect(readFileSync(join(cwd, 'data/demo.csv'), 'utf8').split('\n')[0]).toBe('step,value');

    expect((await runCli(['check', 'specs/demo.seqnet'], { cwd })).code).toBe(0);
    expect((await runCli(['fmt', '--check', 'specs/demo.seqnet'], { cwd })).code).toBe(0);
    const train = await runCli(['train', 'specs/demo.seqnet', '--epochs', '1', '--backend', 'cpu'], { cwd });
    expect(train.code, train.err).toBe(0);
    expect(existsSync(join(cwd, 'runs/demo/1/model.json'))).toBe(true);
  });

  it("appends its line to an existing README and names the model after the folder by default", async () => {
    const cwd = folder('My Project-2');
    writeFileSync(join(cwd, 'README.md'), '# Mine\n\nkept as it is');
    const init = await runCli(['init'], { cwd });
    expect(init.code, init.err).toBe(0);
    expect(readFileSync(join(cwd, 'specs/my_project_2.seqnet'), 'utf8')).toContain('model my_project_2\n');
    const readme = readFileSync(join(cwd, 'README.md'), 'utf8');
    expect(readme.startsWith('# Mine\n\nkept as it is\n- `specs/my_project_2.seqnet`: ')).toBe(true);
    expect(readme.split('\n')).toHaveLength(5);
  });

  it('refuses to overwrite a file and then writes nothing (exit 2, one line)', async () => {
    const cwd = folder();
    mkdirSync(join(cwd, 'data'));
    writeFileSync(join(cwd, 'data/demo.csv'), 'mine\n');
    const init = await runCli(['init', 'demo'], { cwd });
    expectOneLineError(init, 2, /^seqnet: data\/demo\.csv already exists; nothing written/);
    expect(readdirSync(cwd)).toEqual(['data']);
    expect(readFileSync(join(cwd, 'data/demo.csv'), 'utf8')).toBe('mine\n');
  });

  it('refuses a name that is not an identifier (exit 2, one line)', async () => {
    const cwd = folder();
    expectOneLineError(await runCli(['init', '2fast'], { cwd }), 2, /^seqnet: '2fast' cannot be a model name/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.skipIf(!canMount)('leaves nothing behind when a file cannot be written (a read-only data folder)', async () => {
    const cwd = folder();
    mkdirSync(join(cwd, 'data'));
    const init = await runCli(['init', 'demo'], { cwd, mounts: [{ path: join(cwd, 'data'), size: 1 << 20, readOnly: true }] });
    expectOneLineError(init, 2, /^seqnet: cannot .*data\/demo\.csv.*read-only/);
    // The specs folder it had made and the temporary files are gone; no README was written.
    expect(readdirSync(cwd)).toEqual(['data']);
  });
});
