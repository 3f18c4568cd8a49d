import { describe, expect, it } from 'vitest';
import { BarReporter, createReporter, formatEvaluation, formatMetrics, JsonReporter, LineReporter } from '../../src/train/progress.js';
import type { EpochLog } from '../../src/train/index.js';

function stream(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  const chunks: string[] = [];
  const sink = { isTTY, columns: 100, write: (chunk: string) => (chunks.push(String(chunk)), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return { stream: sink as unknown as NodeJS.WritableStream & { isTTY: boolean }, text: () => chunks.join('') };
}

const LOG: EpochLog = { epoch: 2, learningRate: 0.005, seconds: 1.25, metrics: { loss: 0.0123, val_loss: 0.00004 } };

describe('progress reporters', () => {
  it('picks a bar on a terminal, lines otherwise, JSON when asked', () => {
    expect(createReporter({ out: stream(true).stream, err: stream(false).stream }, false)).toBeInstanceOf(BarReporter);
    expect(createReporter({ out: stream(false).stream, err: stream(false).stream }, false)).toBeInstanceOf(LineReporter);
    expect(createReporter({ out: stream(true).stream, err: stream(false).stream }, true)).toBeInstanceOf(JsonReporter);
  });

  it('the bar shows batches, loss and ETA, then leaves the epoch summary line', () => {
    const out = stream(true);
    const reporter = new BarReporter({ out: out.stream, err: stream(false).stream });
    reporter.epochStart(2, 5, 10, 0);
    reporter.batchEnd(10, 0.0123);
    reporter.epochEnd(LOG, 5);
    expect(out.text()).toMatch(/epoch 2\/5 \[[=-]+\] \d+\/10 batches · loss .* · ETA /);
    expect(out.text().endsWith('epoch 2/5 · loss 0.0123 · val_loss 4.00e-5 · lr 0.0050 · 1.3 s\n')).toBe(true);
  });

  it('a line per epoch without a terminal; JSON flattens the metrics', () => {
    const lines = stream(false);
    new LineReporter({ out: lines.stream, err: stream(false).stream }).epochEnd(LOG, 5);
    expect(lines.text()).toBe('epoch 2/5 · loss 0.0123 · val_loss 4.00e-5 · lr 0.0050 · 1.3 s\n');
    const json = stream(false);
    new JsonReporter({ out: json.stream, err: stream(false).stream }).epochEnd(LOG);
    expect(JSON.parse(json.text())).toEqual({ type: 'epoch', epoch: 2, learningRate: 0.005, seconds: 1.25, loss: 0.0123, val_loss: 0.00004 });
  });
});

describe('metric formatting', () => {
  it('prints values of a million or more in exponent form', () => {
    expect(formatMetrics({ loss: 1.607591478390349e29, mae: 999999 })).toBe('loss 1.61e+29 · mae 999999.0000');
  });

  it('puts the metrics in original units on their own line, without the suffix', () => {
    const metrics = { loss: 0.0025, mae: 0.0389, naive_mse: 0.0049, mse_original_units: 1.0181, mae_original_units: 0.7932, naive_mse_original_units: 2.0322 };
    expect(formatEvaluation(metrics, 'test: ')).toBe('test: loss 0.0025 · mae 0.0389 · naive_mse 0.0049\ntest: in original units: mse 1.0181 · mae 0.7932 · naive_mse 2.0322');
    expect(formatEvaluation({ loss: 0.5 })).toBe('loss 0.5000');
  });

  it('JSON epoch lines use the spec’s metric names', () => {
    const json = stream(false);
    new JsonReporter({ out: json.stream, err: stream(false).stream }).epochEnd({ ...LOG, metrics: { loss: 1, categoricalAccuracy: 0.5 } });
    expect(Object.keys(JSON.parse(json.text()) as object)).toContain('categorical_accuracy');
  });
});
