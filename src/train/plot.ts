/**
 * Self-contained SVG line plots: panels of labelled series, a log y scale where the values span more than a
 * factor 20. The training curves (one panel per quantity, training in blue and validation in orange, epochs on
 * x) and the experiments' figures both draw with `renderPlotSvg`.
 */
import { withSpecMetricNames } from './metric-names.js';
import type { EpochLog } from './types.js';

const WIDTH = 720;
const PANEL_HEIGHT = 240;
const MARGIN = { left: 72, right: 150, top: 34, bottom: 40 };
const COLORS = { train: '#1f77b4', validation: '#ff7f0e' };

export interface PlotSeries {
  label: string;
  color: string;
  points: [number, number][];
  /** A shaded band `[x, low, high]` behind the line: the spread of the runs the line is the mean of. */
  band?: [number, number, number][];
}

export interface PlotPanel {
  title: string;
  series: PlotSeries[];
  /** The x axis' label. */
  xLabel: string;
  /** Only whole-number ticks on x (epochs, steps). */
  integerX?: boolean;
  /** A dashed vertical marker (the best epoch). */
  marker?: { x: number; label: string };
  /** The x range drawn, where it must not follow the data. */
  xRange?: [number, number];
  /** The y range drawn, where it must not follow the data (values outside are clipped to it). */
  yRange?: [number, number];
}

/** Colours for several series (matplotlib's default cycle, which readers of papers know). */
export const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'] as const;

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string);

/** Rounds to a 1-2-5 step so axis labels are readable. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

function label(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-3 ? value.toExponential(0) : String(Number(value.toPrecision(4)));
}

function historyPanels(history: EpochLog[], epochs: number, bestEpoch: number | null): PlotPanel[] {
  const names = Object.keys(history[0]?.metrics ?? {}).filter((name) => !name.startsWith('val_'));
  return names.map((name) => ({
    title: name,
    xLabel: 'epoch',
    integerX: true,
    ...(bestEpoch === null ? {} : { marker: { x: bestEpoch, label: 'best' } }),
    // The x axis spans the recorded epochs from 1 (at least two, so one epoch still has a width).
    xRange: [1, Math.max(epochs, 2)] as [number, number],
    series: [
      { label: `train ${name}`, color: COLORS.train, key: name },
      { label: `validation ${name}`, color: COLORS.validation, key: `val_${name}` },
    ]
      .map(({ label: text, color, key }) => ({
        label: text,
        color,
        points: history.filter((log) => Number.isFinite(log.metrics[key])).map((log) => [log.epoch, log.metrics[key]] as [number, number]),
      }))
      .filter((series) => series.points.length > 0),
  }));
}

/** Maps data values to pixels, on a linear or log10 axis. */
function axis(values: number[], log: boolean, from: number, to: number): { map: (v: number) => number; ticks: number[] } {
  const t = (v: number): number => (log ? Math.log10(v) : v);
  let low = Math.min(...values.map(t));
  let high = Math.max(...values.map(t));
  if (high - low < 1e-12) {
    low -= 0.5;
    high += 0.5;
  }
  const ticks: number[] = [];
  if (log) {
    // Every decade, or every second, fifth, … where there are too many to label.
    const decades = Math.ceil(high) - Math.floor(low);
    const every = decades <= 10 ? 1 : niceStep(decades, 8);
    for (let p = Math.floor(low); p <= Math.ceil(high); p++) if (p % every === 0) ticks.push(10 ** p);
    low = Math.floor(low);
    high = Math.ceil(high);
  } else {
    const step = niceStep(high - low, 5);
    low = Math.floor(low / step) * step;
    high = Math.ceil(high / step) * step;
    for (let v = low; v <= high + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  }
  return { map: (v) => from + ((t(v) - low) / (high - low)) * (to - from), ticks };
}

function renderPanel(panel: PlotPanel, top: number): string {
  const x0 = MARGIN.left;
  const x1 = WIDTH - MARGIN.right;
  const y0 = top + PANEL_HEIGHT - MARGIN.bottom;
  const y1 = top + MARGIN.top;
  const drawn = panel.series;
  const values = panel.yRange ?? drawn.flatMap((series) => [...series.points.map(([, v]) => v), ...(series.band ?? []).flatMap(([, low, high]) => [low, high])]).filter(Number.isFinite);
  const log = values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) > 20;
  const y = axis(values, log, y0, y1);
  const xs = panel.series.flatMap((series) => series.points.map(([px]) => px));
  const [xLow, xHigh] = panel.xRange ?? [Math.min(...xs), Math.max(...xs)];
  const x = axis([xLow, xHigh], false, x0, x1);
  const clip = (v: number): number => (panel.yRange === undefined ? v : Math.min(Math.max(v, panel.yRange[0]), panel.yRange[1]));
  const parts: string[] = [`<text x="${x0}" y="${top + 20}" class="title">${escapeXml(panel.title)}${log ? ' (log scale)' : ''}</text>`];
  for (const tick of y.ticks) {
    const py = y.map(tick).toFixed(1);
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${py}" y2="${py}" class="grid"/><text x="${x0 - 6}" y="${py}" class="ylabel">${label(tick)}</text>`);
  }
  for (const tick of x.ticks.filter((v) => (!panel.integerX || Number.isInteger(v)) && v >= xLow && v <= xHigh)) {
    const px = x.map(tick).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${y0}" y2="${y0 + 4}" class="axis"/><text x="${px}" y="${y0 + 16}" class="xlabel">${tick}</text>`);
  }
  parts.push(`<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" class="axis"/><line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y1}" class="axis"/>`);
  parts.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 32}" class="xlabel">${escapeXml(panel.xLabel)}</text>`);
  if (panel.marker !== undefined) {
    const px = x.map(panel.marker.x).toFixed(1);
    parts.push(`<line x1="${px}" x2="${px}" y1="${y0}" y2="${y1}" class="best"/><text x="${px}" y="${y1 - 4}" class="xlabel">${escapeXml(panel.marker.label)}</text>`);
  }
  // Every band before any line, so that no band covers another series' line.
  for (const series of drawn) if (series.band !== undefined && series.band.length > 1) parts.push(bandPolygon(series.band, series.color, (v) => x.map(v), (v) => y.map(clip(v))));
  drawn.forEach((series, index) => {
    const finite = series.points.filter(([, v]) => Number.isFinite(v) && (!log || v > 0 || panel.yRange !== undefined));
    const points = finite.map(([e, v]) => `${x.map(e).toFixed(1)},${y.map(clip(v)).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${series.color}" stroke-width="2"/>`);
    // Dots only where they can be told apart (an epoch curve, not a curve over hundreds of steps).
    if (finite.length <= 60) for (const [e, v] of finite) parts.push(`<circle cx="${x.map(e).toFixed(1)}" cy="${y.map(clip(v)).toFixed(1)}" r="2.5" fill="${series.color}"/>`);
    const ly = y1 + 8 + index * 20;
    parts.push(`<line x1="${x1 + 12}" x2="${x1 + 32}" y1="${ly}" y2="${ly}" stroke="${series.color}" stroke-width="3"/><text x="${x1 + 38}" y="${ly + 4}" class="legend">${escapeXml(series.label)}</text>`);
  });
  return parts.join('\n');
}

/** The band as one translucent polygon: along its high edge, and back along its low edge. */
function bandPolygon(band: [number, number, number][], color: string, px: (v: number) => number, py: (v: number) => number): string {
  const finite = band.filter(([, low, high]) => Number.isFinite(low) && Number.isFinite(high));
  const edge = [...finite.map(([e, , high]) => [e, high]), ...[...finite].reverse().map(([e, low]) => [e, low])];
  return `<polygon points="${edge.map(([e, v]) => `${px(e).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`;
}

/** The training curves as an SVG document; the x axis spans the recorded epochs, `bestEpoch` gets a dashed marker. */
export function renderHistorySvg(history: EpochLog[], title: string, bestEpoch: number | null = null): string {
  // Histories of runs from before the names were mapped hold tfjs's names; the panels show the spec's.
  const epochs = history.length === 0 ? 1 : history[history.length - 1].epoch;
  const list = historyPanels(history.map((log) => ({ ...log, metrics: withSpecMetricNames(log.metrics) })), epochs, bestEpoch);
  return renderPlotSvg(list, title, 'no epochs recorded');
}

/** Panels stacked in one SVG document under a title; `empty` is shown when there are no panels. */
export function renderPlotSvg(panels: PlotPanel[], title: string, empty = 'no data'): string {
  const height = 40 + Math.max(panels.length, 1) * PANEL_HEIGHT;
  const body = panels.length === 0 ? `<text x="20" y="80">${escapeXml(empty)}</text>` : panels.map((panel, i) => renderPanel(panel, 40 + i * PANEL_HEIGHT)).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
<style>.grid{stroke:#e4e4e4}.axis{stroke:#444}.title{font-size:14px;font-weight:bold}.ylabel{text-anchor:end;dominant-baseline:middle;fill:#333}.xlabel{text-anchor:middle;fill:#333}.legend{fill:#222}.best{stroke:#2ca02c;stroke-dasharray:4 3}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(title)}</text>
${body}
</svg>
`;
}
