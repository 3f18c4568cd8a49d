import { describe, expect, it } from 'vitest';
import { renderHistorySvg } from '../../src/train/index.js';
import type { EpochLog } from '../../src/train/index.js';

const log = (epoch: number, metrics: Record<string, number>): EpochLog => ({ epoch, learningRate: 0.01, seconds: 1, metrics });

function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((match) => match[1].split(' ').map((pair) => pair.split(',').map(Number) as [number, number]));
}

describe('training curves SVG', () => {
  const history = [log(1, { loss: 0.9, mae: 0.5, val_loss: 1.0, val_mae: 0.6 }), log(2, { loss: 0.5, mae: 0.4, val_loss: 0.7, val_mae: 0.5 }), log(3, { loss: 0.3, mae: 0.3, val_loss: 0.6, val_mae: 0.45 })];

  it('draws one panel per quantity with a training and a validation line, epochs spanning the plot width', () => {
    const svg = renderHistorySvg(history, 'tiny <model>', 2);
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('tiny &lt;model&gt;');
    expect([...svg.matchAll(/class="title">([^<]+)</g)].map((match) => match[1])).toEqual(['loss', 'mae']);
    const lines = polylines(svg);
    expect(lines).toHaveLength(4);
    // x from the left margin (72) to the right edge of the plot (720 − 150); epoch 2 in the middle.
    expect(lines[0].map(([x]) => x)).toEqual([72, 321, 570]);
    // SVG y grows downwards: the falling loss moves down, and validation (the higher loss) sits above training.
    const [train, validation] = lines;
    expect(train[0][1]).toBeLessThan(train[2][1]);
    validation.forEach(([, y], i) => expect(y).toBeLessThan(train[i][1]));
    expect(svg).toContain('class="best"');
    expect(svg.match(/<text[^>]*>best<\/text>/g)).toHaveLength(2);
  });

  it('uses a log scale when the loss spans more than a factor of 20', () => {
    const svg = renderHistorySvg([log(1, { loss: 10 }), log(2, { loss: 0.01 })], 'wide');
    expect(svg).toContain('loss (log scale)');
    expect([...svg.matchAll(/class="ylabel">([^<]+)</g)].map((match) => match[1])).toEqual(['0.01', '0.1', '1', '10']);
  });

  it('renders an empty history without failing', () => {
    expect(renderHistorySvg([], 'none')).toContain('no epochs recorded');
  });
});
