import { describe, expect, it } from 'vitest';
import type { TrainIR } from '../../src/ir/types.js';
import { afterEpoch, initialMonitor } from '../../src/train/monitor.js';
import type { MonitorState } from '../../src/train/types.js';
import { trainBlock } from './fixtures.js';

/** Feeds a sequence of monitored losses; returns per epoch [improved, stop, learning rate]. */
function replay(train: TrainIR, losses: number[]): [boolean, boolean, number][] {
  let state: MonitorState = initialMonitor(train);
  return losses.map((loss, index) => {
    const decision = afterEpoch(train, state, index + 1, loss);
    state = decision.state;
    return [decision.improved, decision.stop, state.learningRate];
  });
}

describe('early stopping and schedules', () => {
  it('stops after `patience` epochs without an improvement larger than min_delta', () => {
    const train = trainBlock({ earlyStopping: { patience: 2, minDelta: 0.1, restoreBest: true } });
    expect(replay(train, [1, 0.5, 0.45, 0.42]).map(([improved, stop]) => [improved, stop])).toEqual([
      [true, false],
      [true, false],
      [false, false],
      [false, true],
    ]);
  });

  it('never stops without early stopping', () => {
    expect(replay(trainBlock(), [1, 2, 3, 4, 5]).some(([, stop]) => stop)).toBe(false);
  });

  it('step schedule: multiplies the base rate by factor every N epochs', () => {
    const train = trainBlock({ schedule: { type: 'step', every: 2, factor: 0.5 } });
    expect(replay(train, [1, 1, 1, 1, 1]).map(([, , rate]) => rate)).toEqual([0.01, 0.005, 0.005, 0.0025, 0.0025]);
  });

  it('plateau schedule: lowers the rate after `patience` epochs without improvement, not below the minimum', () => {
    const train = trainBlock({ schedule: { type: 'plateau', patience: 2, factor: 0.1, minLearningRate: 0.0005 } });
    expect(replay(train, [1, 0.9, 0.95, 0.93, 0.8, 0.85, 0.86, 0.9, 0.9]).map(([, , rate]) => rate)).toEqual([
      0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.0005, 0.0005, 0.0005,
    ]);
  });
});
