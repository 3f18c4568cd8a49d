/** The summary as a plain-text table, in the manner of Keras's `model.summary()`. */
import type { ModelSummary, SummaryRow } from './summary.js';

const HEADERS = ['Layer', 'Type', 'Output shape', 'Params', 'Mult-adds/step'];

function shape(row: SummaryRow): string {
  return `[${row.outputShape.map((size) => (size === null ? 'null' : String(size))).join(', ')}]`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function cells(row: SummaryRow): string[] {
  const params = row.trainable + row.nonTrainable;
  const adds = row.multiplyAdds === 0 ? '0' : `${count(row.multiplyAdds)}${row.perStep ? '' : ' (once)'}`;
  return [row.name, row.type, shape(row), count(params), adds];
}

export function renderSummary(summary: ModelSummary): string {
  const table = [HEADERS, ...summary.rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const format = (line: string[]) =>
    line.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));
  const lines = [`Model: ${summary.name}`, rule, format(HEADERS), rule, ...table.slice(1).map(format), rule];
  lines.push(`Total params: ${count(summary.trainable + summary.nonTrainable)}`);
  lines.push(`Trainable params: ${count(summary.trainable)}`);
  lines.push(`Non-trainable params: ${count(summary.nonTrainable)}`);
  lines.push(`Mult-adds per time step: ${count(summary.multiplyAddsPerStep)} (matrix products only, one example)`);
  if (summary.multiplyAddsPerSequence > 0) {
    lines.push(`Mult-adds once per sequence: ${count(summary.multiplyAddsPerSequence)} (layers after the time axis is gone)`);
  }
  return `${lines.join('\n')}\n`;
}
