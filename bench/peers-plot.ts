/**
 * The bar chart of docs/performance/peers.svg: one horizontal bar per case, its length the ratio seqnet /
 * PyTorch, with the case's target marked on it. src/train/plot.ts draws curves over epochs, not bars, so the
 * benchmark keeps this small writer of its own.
 */
export interface RatioBar {
  label: string;
  ratio: number;
  target: number;
}

const WIDTH = 760;
const LABEL_WIDTH = 190;
const BAR_HEIGHT = 18;
const GAP = 6;
const TOP = 50;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Gridline values: every integer ratio up to the largest (every second one past 10). */
function ticks(maximum: number): number[] {
  const step = maximum > 10 ? 2 : 1;
  return Array.from({ length: Math.floor(maximum / step) + 1 }, (_, i) => i * step);
}

export function renderRatioBarsSvg(bars: RatioBar[], title: string): string {
  const maximum = Math.ceil(Math.max(1, ...bars.map((bar) => Math.max(bar.ratio, bar.target))));
  const plotWidth = WIDTH - LABEL_WIDTH - 60;
  const x = (value: number) => LABEL_WIDTH + (value / maximum) * plotWidth;
  const height = TOP + bars.length * (BAR_HEIGHT + GAP) + 50;
  const bottom = TOP + bars.length * (BAR_HEIGHT + GAP);
  const grid = ticks(maximum).map(
    (value) =>
      `<line class="grid" x1="${x(value).toFixed(1)}" y1="${TOP - 4}" x2="${x(value).toFixed(1)}" y2="${bottom}"/><text class="tick" x="${x(value).toFixed(1)}" y="${bottom + 16}">${value}×</text>`,
  );
  const rows = bars.map((bar, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const fill = bar.ratio <= bar.target ? '#2ca02c' : '#d62728';
    return [
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT / 2}">${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(0, x(bar.ratio) - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}"/>`,
      // Right of both the bar and the target mark, so the mark never covers the number.
      `<text class="value" x="${(x(Math.max(bar.ratio, bar.target)) + 5).toFixed(1)}" y="${y + BAR_HEIGHT / 2}">${bar.ratio.toFixed(2)}×</text>`,
      `<line class="target" x1="${x(bar.target).toFixed(1)}" y1="${y - 2}" x2="${x(bar.target).toFixed(1)}" y2="${y + BAR_HEIGHT + 2}"/>`,
    ].join('');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
<style>.grid{stroke:#e4e4e4}.tick{text-anchor:middle;fill:#333}.label{text-anchor:end;dominant-baseline:middle;fill:#222}.value{dominant-baseline:middle;fill:#222}.target{stroke:#000;stroke-width:2}.note{fill:#555}</style>
<rect width="100%" height="100%" fill="white"/>
<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>
${grid.join('\n')}
${rows.join('\n')}
<text class="note" x="${LABEL_WIDTH}" y="${height - 10}">black mark: the issue's target; green: met, red: not met</text>
</svg>
`;
}
