/**
 * The playground in a real browser: Debian's chromium driven by puppeteer-core (nothing is downloaded at run
 * time). The page is built with esbuild and served by the playground's own server, then used as a person
 * would: type an error, see it at its line, fix it, complete and hover, train the sine example for two
 * epochs, download the model, the IR and the TypeScript, share by URL, switch examples. The downloads are
 * checked against what Node computes from the same spec. Screenshots go to docs/playground-*.png (README).
 *
 * Skipped, with the reason in its name, when there is no chromium (CI installs it with apt).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground, ROOT, servePlayground } from '../../scripts/playground.js';
import { plainText } from '../../playground/src/analysis.js';
import { generateTypeScript } from '../../src/codegen/index.js';
import { hover } from '../../src/editor/index.js';
import { loadSynthetic } from '../../src/data/synthetic.js';
import { modelShape } from '../../src/data/shape.js';
import { explainModel, renderSummary, summarizeModel } from '../../src/explain/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import '../../src/runtime/index.js';
import { checkSpec } from '../../src/validate/index.js';

const CHROMIUM = process.env.SEQNET_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const title = hasChromium ? 'playground in chromium' : `playground in chromium (skipped: no browser at ${CHROMIUM}; install Debian's chromium or set SEQNET_CHROMIUM)`;

const SINE = readFileSync(join(ROOT, 'specs/sine.seqnet'), 'utf8');
const sineIr = (): ModelIR => {
  const { ir } = checkSpec(SINE, 'specs/sine.seqnet');
  if (ir === null) throw new Error('specs/sine.seqnet does not check');
  return ir;
};

/**
 * The README's screenshots are refreshed only on request (`SEQNET_SCREENSHOTS=1`), so that a test run leaves
 * the working tree as it was; otherwise they are taken into the temporary folder and thrown away.
 */
let screenshotDir = join(ROOT, 'docs');
const screenshot = (page: Page, name: string) => page.screenshot({ path: join(screenshotDir, `playground-${name}.png`) as `${string}.png` });

/** The 1-based line of the editor whose text starts with `prefix` (the spec is short: every line is rendered). */
async function lineNumberOf(page: Page, prefix: string): Promise<number> {
  const index = await page.$$eval('.cm-content .cm-line', (lines, wanted) => lines.findIndex((line) => (line.textContent ?? '').startsWith(wanted)), prefix);
  expect(index, `a line starting with '${prefix}'`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** The editor's text, line by line as rendered (`innerText` would double the empty lines). */
function editorText(page: Page): Promise<string> {
  return page.$$eval('.cm-content .cm-line', (lines) => lines.map((line) => line.textContent ?? '').join('\n'));
}

/** Clicks at the end of the line whose text starts with `prefix`. */
async function clickLineEnd(page: Page, prefix: string): Promise<void> {
  const line = await lineNumberOf(page, prefix);
  const element = (await page.$$('.cm-content .cm-line'))[line - 1];
  await element.click();
  await page.keyboard.press('End');
}

/** Waits until the download folder holds every file in `names`, each complete (Chromium writes .crdownload first). */
async function waitForFiles(dir: string, names: string[]): Promise<void> {
  await expect.poll(() => names.every((name) => existsSync(join(dir, name))) && !readdirSync(dir).some((file) => file.endsWith('.crdownload')), { timeout: 60_000, interval: 100 }).toBe(true);
}

describe.skipIf(!hasChromium)(title, { timeout: 120_000 }, () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let downloads: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildPlayground();
    ({ server, url } = await servePlayground());
    downloads = mkdtempSync(join(tmpdir(), 'seqnet-playground-'));
    if (process.env.SEQNET_SCREENSHOTS !== '1') screenshotDir = downloads;
    // --no-sandbox: the suite may run as root (CI containers), where Chromium refuses its sandbox.
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const session = await browser.target().createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    page = await browser.newPage();
    // Generous waits: the suite runs files in parallel, and a loaded machine slows the browser down; nothing
    // here depends on how long a step takes, only on it finishing.
    page.setDefaultTimeout(90_000);
    await page.setViewport({ width: 1280, height: 860 });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (downloads !== undefined) rmSync(downloads, { recursive: true, force: true });
  });

  it('opens with the sine example checked, its summary and its equations', async () => {
    expect(await page.$eval('#status', (node) => node.textContent)).toBe('valid');
    expect(await editorText(page)).toBe(SINE);
    expect(await page.$eval('#summary', (node) => node.textContent)).toBe(renderSummary(summarizeModel(sineIr())));
    expect(await page.$eval('#explain', (node) => node.textContent)).toBe(explainModel(sineIr(), { format: 'text' }));
    await screenshot(page, 'editor');
  });

  it('underlines a misspelt statement at its line as it is typed, and clears it once fixed', async () => {
    await clickLineEnd(page, 'lstm 32');
    const errorLine = (await lineNumberOf(page, 'lstm 32')) + 1;
    await page.keyboard.press('Enter');
    await page.keyboard.type('nrom batch');
    await page.waitForSelector('.cm-lintRange-error');
    await page.waitForSelector('#status[data-errors="1"]');
    expect(await page.$eval('#status', (node) => node.dataset.line)).toBe(String(errorLine));
    const underlined = await page.$$eval('.cm-content .cm-line', (lines) => lines.findIndex((line) => line.querySelector('.cm-lintRange-error') !== null) + 1);
    expect(underlined).toBe(errorLine);
    expect(await page.$eval('#status', (node) => node.textContent)).toMatch(/nrom/);
    await page.hover('.cm-lintRange-error');
    await page.waitForSelector('.cm-tooltip-lint');
    expect(await page.$eval('.cm-tooltip-lint', (node) => node.textContent)).toMatch(/norm/);
    await screenshot(page, 'diagnostic');
    // The checker's did-you-mean is offered as a quick fix in the tooltip; applying it fixes the line.
    await page.click('.cm-tooltip-lint .cm-diagnosticAction');
    await page.waitForSelector('#status[data-errors="0"]');
    await page.waitForSelector('.cm-lintRange-error', { hidden: true });
    expect(await lineNumberOf(page, 'norm batch')).toBe(errorLine);
    await clickLineEnd(page, 'norm batch');
    await page.keyboard.down('Shift');
    await page.keyboard.press('Home');
    await page.keyboard.up('Shift');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    expect(await editorText(page)).toBe(SINE);
  });

  it('completes a statement keyword and explains a keyword on hover', async () => {
    await clickLineEnd(page, 'lstm 32');
    await page.keyboard.press('Enter');
    await page.keyboard.type('dro');
    await page.waitForSelector('.cm-tooltip-autocomplete');
    expect(await page.$eval('.cm-tooltip-autocomplete', (node) => node.textContent)).toContain('dropout');
    await page.keyboard.press('Escape');
    for (let i = 0; i < 'dro'.length + 1; i++) await page.keyboard.press('Backspace');
    await page.waitForSelector('#status[data-errors="0"]');
    const keyword = await page.$$('.cm-content .cm-line');
    const lstmLine = keyword[(await lineNumberOf(page, 'lstm 32')) - 1];
    const box = await lstmLine.boundingBox();
    if (box === null) throw new Error('the lstm line is not visible');
    await page.mouse.move(box.x + 8, box.y + box.height / 2);
    await page.waitForSelector('.cm-tooltip-hover');
    // The editor core's hover on a layer (its summary row), the same text the language server shows.
    const expected = hover(SINE, SINE.indexOf('lstm 32') + 1);
    expect(expected).not.toBeNull();
    expect(await page.$eval('.cm-tooltip-hover', (node) => node.textContent)).toBe(plainText(expected ?? ''));
    await page.mouse.move(0, 0);
  });

  it('trains the sine example for two epochs in the page, with a falling loss, and its model downloads and loads in tfjs', async () => {
    await page.click('#epochs', { count: 3 });
    await page.type('#epochs', '2');
    expect(await page.$eval('#epochs', (node) => (node as unknown as { value: string }).value)).toBe('2');
    await page.click('#train');
    await page.waitForSelector('#train-status:not([data-state="running"])[data-state]', { timeout: 170_000 });
    const state = await page.$eval('#train-status', (node) => ({ state: node.dataset.state, text: node.textContent, history: node.dataset.history }));
    expect(state.state, state.text ?? '').toBe('completed');
    const history = JSON.parse(state.history ?? '[]') as Array<{ epoch: number; loss: number; valLoss: number }>;
    expect(history.map((point) => point.epoch)).toEqual([1, 2]);
    expect(history[1].loss).toBeLessThan(history[0].loss);
    expect(await page.$$eval('#loss-plot path.train', (paths) => paths.length)).toBe(1);
    await screenshot(page, 'training');

    await page.click('#download-model');
    await waitForFiles(downloads, ['sine.json', 'sine.weights.bin']);
    const artifacts = JSON.parse(readFileSync(join(downloads, 'sine.json'), 'utf8')) as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
    const weightData = new Uint8Array(readFileSync(join(downloads, 'sine.weights.bin'))).buffer;
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology, weightSpecs: artifacts.weightsManifest.flatMap((group) => group.weights), weightData }));
    const ir = sineIr();
    expect(model.countParams()).toBe(summarizeModel(ir).trainable + summarizeModel(ir).nonTrainable);
    // The loaded model's validation MSE, computed here on the same synthetic data, is the one the page reported.
    const data = loadSynthetic(ir.data!.source as Extract<NonNullable<ModelIR['data']>['source'], { type: 'synthetic' }>, ir.data!.split, ir.train.validationSplit, modelShape(ir), 2 ** 30);
    const { validation } = data;
    const x = tf.tensor3d(validation.x, [validation.count, validation.steps, validation.features]);
    const y = tf.tensor(validation.y, [validation.count, ...validation.targetShape]);
    const mse = (await tf.losses.meanSquaredError(y, model.predict(x) as tf.Tensor).data())[0];
    const restoresBest = ir.train.earlyStopping?.restoreBest === true;
    const expected = restoresBest ? Math.min(...history.map((point) => point.valLoss)) : history[1].valLoss;
    expect(Math.abs(mse - expected)).toBeLessThan(1e-3 * expected + 1e-6);
    tf.dispose([x, y]);
    model.dispose();
  }, 180_000);

  it('downloads the IR and the generated TypeScript exactly as Node produces them', async () => {
    await page.click('#download-ir');
    await page.click('#download-ts');
    await waitForFiles(downloads, ['sine.ir.json', 'sine.ts']);
    expect(JSON.parse(readFileSync(join(downloads, 'sine.ir.json'), 'utf8'))).toEqual(sineIr());
    expect(readFileSync(join(downloads, 'sine.ts'), 'utf8')).toBe(generateTypeScript(sineIr(), { sourcePath: 'sine.seqnet' }));
  });

  it('shares the text by URL and opens the examples with one click', async () => {
    await clickLineEnd(page, 'model sine');
    await page.keyboard.type('_shared');
    await page.click('#share');
    await expect.poll(() => page.url()).toMatch(/#spec=/);
    const shared = page.url();
    const other = await browser.newPage();
    await other.goto(shared);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await editorText(other)).toContain('model sine_shared');
    await other.close();

    await page.click('button[data-example="ln_gru"]');
    await page.waitForSelector('#status[data-errors="0"]');
    expect(await editorText(page)).toBe(readFileSync(join(ROOT, 'specs/ln_gru.seqnet'), 'utf8'));
    expect(page.url()).not.toContain('#');
  });

  it('stops training between batches when Stop is pressed', async () => {
    await page.click('button[data-example="sine"]');
    await page.waitForSelector('#status[data-errors="0"]');
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="running"]');
    // A string, evaluated in the page (this file is type-checked without the DOM's types).
    await page.waitForFunction("/batch \\d+/.test(document.getElementById('train-status').textContent)");
    await page.click('#stop');
    await page.waitForSelector('#train-status:not([data-state="running"])[data-state]');
    expect(await page.$eval('#train-status', (node) => node.dataset.state)).toBe('stopped');
    expect(await page.$eval('#train', (node) => (node as unknown as { disabled: boolean }).disabled)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
