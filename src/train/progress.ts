/**
 * Progress reporters: a bar per epoch on a terminal, one line per epoch otherwise, or one JSON object per
 * epoch for machines (`--json`, where notes go to stderr so stdout stays pure JSON Lines).
 */
import cliProgress from 'cli-progress';
import { ORIGINAL_UNITS_SUFFIX, specMetricName, withSpecMetricNames } from './metric-names.js';
import type { EpochLog, ProgressReporter } from './types.js';

export interface Streams {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
}

/** "loss 0.0123 · mae 0.0811 · val_loss 0.0130 …": compact, in the model's metric order, under the spec's names. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${specMetricName(name)} ${formatNumber(value)}`)
    .join(' · ');
}

/**
 * Evaluation metrics on one line, and those in the targets' original units (`…_original_units`, for
 * standardized data) on a second line, "in original units: mse … · mae …"; `prefix` starts both lines.
 */
export function formatEvaluation(metrics: Record<string, number>, prefix = ''): string {
  const entries = Object.entries(metrics);
  const original = entries.filter(([name]) => name.endsWith(ORIGINAL_UNITS_SUFFIX));
  const lines = [`${prefix}${formatMetrics(Object.fromEntries(entries.filter(([name]) => !name.endsWith(ORIGINAL_UNITS_SUFFIX))))}`];
  if (original.length > 0) {
    lines.push(`${prefix}in original units: ${formatMetrics(Object.fromEntries(original.map(([name, value]) => [name.slice(0, -ORIGINAL_UNITS_SUFFIX.length), value])))}`);
  }
  return lines.join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // A diverging run's 1.6e+29 would otherwise print all 30 digits.
  if (Math.abs(value) >= 1e6) return value.toExponential(2);
  return Math.abs(value) >= 0.001 || value === 0 ? value.toFixed(4) : value.toExponential(2);
}

/** " · 3 updates skipped" when updates were skipped for non-finite gradients, else nothing. */
function skippedNote(skipped: number | undefined): string {
  if (skipped === undefined || skipped === 0) return '';
  return ` · ${skipped} update${skipped === 1 ? '' : 's'} skipped`;
}

function epochLine(log: EpochLog, epochs: number): string {
  const head = `epoch ${log.epoch}/${epochs} · ${formatMetrics(log.metrics)} · lr ${formatNumber(log.learningRate)} · ${log.seconds.toFixed(1)} s`;
  return head + skippedNote(log.skippedUpdates);
}

/** One line per epoch (non-terminal stdout: logs, CI). */
export class LineReporter implements ProgressReporter {
  constructor(private readonly streams: Streams) {}
  epochStart(): void {}
  batchEnd(): void {}
  epochEnd(log: EpochLog, epochs: number): void {
    this.streams.out.write(`${epochLine(log, epochs)}\n`);
  }
  note(line: string): void {
    this.streams.out.write(`${line}\n`);
  }
  outcome(): void {}
  close(): void {}
}

/** One JSON object per epoch on stdout (`{"type":"epoch","epoch":1,"learningRate":…,"seconds":…,"loss":…}`), then the result. */
export class JsonReporter implements ProgressReporter {
  constructor(private readonly streams: Streams) {}
  epochStart(): void {}
  batchEnd(): void {}
  epochEnd(log: EpochLog): void {
    const { metrics, ...rest } = log;
    this.streams.out.write(`${JSON.stringify({ type: 'epoch', ...rest, ...withSpecMetricNames(metrics) })}\n`);
  }
  note(line: string): void {
    this.streams.err.write(`${line}\n`);
  }
  /** A last line `{"type":"result",…}` so a script learns the status and test metrics without parsing text. */
  outcome(summary: Record<string, unknown>): void {
    this.streams.out.write(`${JSON.stringify({ type: 'result', ...summary })}\n`);
  }
  close(): void {}
}

/** A progress bar per epoch (batches, running loss, ETA), replaced by the epoch's summary line when it ends. */
export class BarReporter implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;

  constructor(private readonly streams: Streams) {}

  epochStart(epoch: number, epochs: number, batches: number, firstBatch: number): void {
    this.bar = new cliProgress.SingleBar({
      format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} batches · loss {loss}{skipped} · ETA {eta_formatted}`,
      stream: this.streams.out,
      clearOnComplete: true,
      hideCursor: true,
      barsize: 24,
    });
    this.bar.start(batches, firstBatch, { loss: '…', skipped: '' });
  }

  batchEnd(batch: number, loss: number, skippedUpdates = 0): void {
    this.bar?.update(batch, { loss: formatNumber(loss), skipped: skippedNote(skippedUpdates) });
  }

  epochEnd(log: EpochLog, epochs: number): void {
    this.close();
    this.streams.out.write(`${epochLine(log, epochs)}\n`);
  }

  note(line: string): void {
    this.streams.out.write(`${line}\n`);
  }

  outcome(): void {}

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** The reporter for these streams: JSON if asked, a bar on a terminal, lines otherwise. */
export function createReporter(streams: Streams, json: boolean): ProgressReporter {
  if (json) return new JsonReporter(streams);
  return streams.out.isTTY === true ? new BarReporter(streams) : new LineReporter(streams);
}
