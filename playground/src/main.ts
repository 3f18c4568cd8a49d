/** The playground page: wires the editor, the summary and explain panels, training, downloads and sharing. */
import type { LayersModel } from '@tensorflow/tfjs';
import type { EditorView } from '@codemirror/view';
import { explainModel } from '../../src/explain/explain.js';
import { renderSummary } from '../../src/explain/render-summary.js';
import { summarizeModel } from '../../src/explain/summary.js';
import { format } from '../../src/editor/index.js';
import type { ModelIR } from '../../src/ir/types.js';
import '../../src/runtime/index.js';
import { analyze, type Analysis } from './analysis.js';
import { availableBackends, useBackend, type PageBackend } from './backend.js';
import { downloadIr, downloadModel, downloadTypeScript } from './downloads.js';
import { createEditor } from './editor.js';
import { EXAMPLES } from './examples.js';
import { drawPlot, emptyPlot, type PlotData } from './plot.js';
import { decodeFragment, encodeFragment } from './share.js';
import { PageTrainError, trainInPage } from './train.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const ui = {
  examples: byId<HTMLElement>('examples'),
  editor: byId<HTMLElement>('editor'),
  status: byId<HTMLElement>('status'),
  summary: byId<HTMLElement>('summary'),
  explain: byId<HTMLElement>('explain'),
  epochs: byId<HTMLInputElement>('epochs'),
  backend: byId<HTMLSelectElement>('backend'),
  train: byId<HTMLButtonElement>('train'),
  stop: byId<HTMLButtonElement>('stop'),
  trainStatus: byId<HTMLElement>('train-status'),
  plot: document.getElementById('loss-plot') as unknown as SVGSVGElement,
  downloadModel: byId<HTMLButtonElement>('download-model'),
  downloadTs: byId<HTMLButtonElement>('download-ts'),
  downloadIr: byId<HTMLButtonElement>('download-ir'),
  format: byId<HTMLButtonElement>('format'),
  share: byId<HTMLButtonElement>('share'),
};

let view: EditorView;
let current: Analysis = { diagnostics: [], ir: null };
let trained: { model: LayersModel; name: string } | null = null;
let running: AbortController | null = null;

function showAnalysis(text: string): void {
  current = analyze(text);
  const errors = current.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  const warnings = current.diagnostics.length - errors.length;
  const first = errors[0] ?? current.diagnostics[0];
  ui.status.classList.toggle('errors', errors.length > 0);
  ui.status.dataset.errors = String(errors.length);
  ui.status.dataset.line = first === undefined ? '' : String(first.line);
  const counts = `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  ui.status.textContent = first === undefined ? 'valid' : `${counts} — line ${first.line}: ${first.code} ${first.message}`;
  if (current.ir !== null) renderPanels(current.ir);
  ui.downloadIr.disabled = current.ir === null;
  ui.downloadTs.disabled = current.ir === null;
  ui.train.disabled = current.ir === null || running !== null;
  if (!ui.epochs.matches(':focus') && current.ir !== null && ui.epochs.dataset.edited !== 'true') ui.epochs.value = String(current.ir.train.epochs);
}

/** The panels keep the last valid model's views while the text has errors (they are dimmed by the status). */
function renderPanels(ir: ModelIR): void {
  ui.summary.textContent = renderSummary(summarizeModel(ir));
  ui.explain.textContent = explainModel(ir, { format: 'text' });
}

let pending: ReturnType<typeof setTimeout> | undefined;
function scheduleAnalysis(text: string): void {
  clearTimeout(pending);
  pending = setTimeout(() => showAnalysis(text), 200);
}

function setText(text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  showAnalysis(text);
}

function setTrainState(state: string, text: string): void {
  ui.trainStatus.dataset.state = state;
  ui.trainStatus.textContent = text;
}

async function train(): Promise<void> {
  showAnalysis(view.state.doc.toString());
  const ir = current.ir;
  if (ir === null) return setTrainState('error', 'fix the errors first');
  const epochs = Math.max(1, Math.floor(Number(ui.epochs.value) || ir.train.epochs));
  running = new AbortController();
  ui.train.disabled = true;
  ui.stop.disabled = false;
  const plot: PlotData = emptyPlot(epochs);
  drawPlot(ui.plot, plot);
  try {
    const backend = await useBackend(ui.backend.value as PageBackend);
    setTrainState('running', `training on ${backend}…`);
    trained?.model.dispose();
    trained = null;
    ui.downloadModel.disabled = true;
    const points: Array<{ epoch: number; loss: number; valLoss: number | null }> = [];
    const run = await trainInPage(ir, epochs, running.signal, {
      batchLoss: (epoch, batch, batches, meanLoss) => {
        plot.batches.push([epoch - 1 + batch / batches, meanLoss]);
        setTrainState('running', `${backend}: epoch ${epoch}/${epochs}, batch ${batch}/${batches}, loss ${meanLoss.toPrecision(4)}`);
        if (batch % 5 === 0 || batch === batches) drawPlot(ui.plot, plot);
      },
      epochEnd: (point) => {
        points.push(point);
        // The epochs so far, for scripts and the browser test.
        ui.trainStatus.dataset.history = JSON.stringify(points);
        plot.train.push([point.epoch, point.loss]);
        if (point.valLoss !== null) plot.validation.push([point.epoch, point.valLoss]);
        drawPlot(ui.plot, plot);
      },
    });
    trained = { model: run.model, name: ir.name };
    ui.downloadModel.disabled = false;
    const last = run.history[run.history.length - 1];
    const loss = last === undefined ? '' : `; loss ${last.loss.toPrecision(4)}${last.valLoss === null ? '' : `, validation ${last.valLoss.toPrecision(4)}`}`;
    setTrainState(run.status, `${run.status.replace('_', ' ')} after ${run.history.length} epoch${run.history.length === 1 ? '' : 's'} on ${backend}${loss}\n${run.summary}`);
  } catch (error) {
    const message = error instanceof PageTrainError ? error.message : `training failed: ${(error as Error).message}`;
    setTrainState('error', message);
  } finally {
    running = null;
    ui.stop.disabled = true;
    ui.train.disabled = current.ir === null;
  }
}

function showExamples(): void {
  for (const example of EXAMPLES) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = example.name;
    button.dataset.example = example.name;
    button.addEventListener('click', () => {
      history.replaceState(null, '', location.pathname + location.search);
      ui.epochs.dataset.edited = 'false';
      setText(example.source);
    });
    ui.examples.append(button);
  }
}

function wireButtons(): void {
  ui.train.addEventListener('click', () => void train());
  ui.stop.addEventListener('click', () => running?.abort());
  ui.epochs.addEventListener('input', () => (ui.epochs.dataset.edited = 'true'));
  ui.downloadModel.addEventListener('click', () => {
    if (trained !== null) void downloadModel(trained.model, trained.name);
  });
  ui.downloadIr.addEventListener('click', () => current.ir !== null && downloadIr(current.ir));
  ui.downloadTs.addEventListener('click', () => {
    if (current.ir === null) return;
    ui.downloadTs.disabled = true;
    downloadTypeScript(current.ir)
      .catch((error: unknown) => setTrainState('error', `TypeScript generation failed: ${(error as Error).message}`))
      .finally(() => (ui.downloadTs.disabled = current.ir === null));
  });
  ui.format.addEventListener('click', () => {
    const formatted = format(view.state.doc.toString());
    if (formatted !== null) setText(formatted);
  });
  ui.share.addEventListener('click', async () => {
    const fragment = await encodeFragment(view.state.doc.toString());
    history.replaceState(null, '', fragment);
    await navigator.clipboard?.writeText(location.href).catch(() => undefined);
    ui.share.textContent = 'Link copied';
    setTimeout(() => (ui.share.textContent = 'Share'), 1500);
  });
}

async function start(): Promise<void> {
  for (const name of availableBackends()) ui.backend.append(new Option(name, name));
  showExamples();
  wireButtons();
  const shared = await decodeFragment(location.hash);
  const text = shared ?? EXAMPLES[0].source;
  view = createEditor(ui.editor, text, scheduleAnalysis);
  showAnalysis(text);
  drawPlot(ui.plot, emptyPlot(current.ir?.train.epochs ?? 1));
  document.body.dataset.ready = 'true';
}

void start();
