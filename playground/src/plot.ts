/**
 * The live loss plot: the running mean of the epoch's batch losses (thin), each epoch's training loss and
 * its validation loss (thick, dashed), on a log scale since losses fall by orders of magnitude.
 */
const WIDTH = 420;
const HEIGHT = 180;
const MARGIN = { left: 44, right: 8, top: 8, bottom: 20 };
const SVG = 'http://www.w3.org/2000/svg';

export interface PlotData {
  /** Batch points as (fractional epoch, running mean loss of that epoch). */
  batches: Array<[number, number]>;
  train: Array<[number, number]>;
  validation: Array<[number, number]>;
  epochs: number;
}

export function emptyPlot(epochs: number): PlotData {
  return { batches: [], train: [], validation: [], epochs };
}

function element(name: string, attributes: Record<string, string>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function drawPlot(svg: SVGSVGElement, data: PlotData): void {
  svg.replaceChildren();
  const values = [...data.batches, ...data.train, ...data.validation].map(([, loss]) => loss).filter((loss) => loss > 0 && Number.isFinite(loss));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  svg.append(element('path', { class: 'axis', fill: 'none', d: `M${MARGIN.left},${MARGIN.top}V${HEIGHT - MARGIN.bottom}H${WIDTH - MARGIN.right}` }));
  svg.append(element('text', { x: String(WIDTH - MARGIN.right), y: String(HEIGHT - 4), 'text-anchor': 'end' }, `epoch (of ${data.epochs})`));
  if (values.length === 0) return;
  const low = Math.log10(Math.min(...values));
  const high = Math.max(Math.log10(Math.max(...values)), low + 1e-3);
  const x = (epoch: number) => MARGIN.left + (epoch / Math.max(data.epochs, 1)) * plotWidth;
  const y = (loss: number) => MARGIN.top + ((high - Math.log10(Math.max(loss, 10 ** low))) / (high - low)) * plotHeight;
  const path = (points: Array<[number, number]>) => points.map(([epoch, loss], i) => `${i === 0 ? 'M' : 'L'}${x(epoch).toFixed(1)},${y(loss).toFixed(1)}`).join('');
  svg.append(element('text', { x: String(MARGIN.left - 4), y: String(MARGIN.top + 8), 'text-anchor': 'end' }, (10 ** high).toPrecision(2)));
  svg.append(element('text', { x: String(MARGIN.left - 4), y: String(HEIGHT - MARGIN.bottom), 'text-anchor': 'end' }, (10 ** low).toPrecision(2)));
  // fill="none" as an attribute: lines, never areas, whatever the page's style sheet says about paths.
  svg.append(element('path', { class: 'batch', fill: 'none', d: path(data.batches) }));
  svg.append(element('path', { class: 'train', fill: 'none', d: path(([[0, data.batches[0]?.[1] ?? 0], ...data.train] as Array<[number, number]>).filter(([, loss]) => loss > 0)) }));
  if (data.validation.length > 0) svg.append(element('path', { class: 'validation', fill: 'none', d: path(data.validation) }));
  svg.append(element('text', { x: String(MARGIN.left + 6), y: String(HEIGHT - MARGIN.bottom - 6) }, 'loss (log scale): — train  - - validation'));
}
