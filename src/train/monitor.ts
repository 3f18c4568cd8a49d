/**
 * Early stopping on the validation loss and the learning-rate schedules (step, plateau), as pure updates of
 * a serializable state so a resumed run makes the same decisions.
 */
import type { TrainIR } from '../ir/types.js';
import type { MonitorState } from './types.js';

export function initialMonitor(train: TrainIR): MonitorState {
  return {
    best: Number.POSITIVE_INFINITY,
    bestEpoch: 0,
    stopWait: 0,
    plateauBest: Number.POSITIVE_INFINITY,
    plateauWait: 0,
    learningRate: train.optimizer.learningRate,
  };
}

export interface MonitorDecision {
  state: MonitorState;
  /** This epoch is the best so far (its weights are the ones to restore). */
  improved: boolean;
  stop: boolean;
}

/** Updates the state after epoch `epoch` (1-based) with the monitored loss. */
export function afterEpoch(train: TrainIR, state: MonitorState, epoch: number, monitored: number): MonitorDecision {
  const next = { ...state };
  const minDelta = train.earlyStopping?.minDelta ?? 0;
  const improved = monitored < state.best - minDelta;
  if (improved) {
    next.best = monitored;
    next.bestEpoch = epoch;
    next.stopWait = 0;
  } else {
    next.stopWait += 1;
  }
  next.learningRate = scheduledRate(train, next, epoch, monitored);
  const stop = train.earlyStopping !== null && next.stopWait >= train.earlyStopping.patience;
  return { state: next, improved, stop };
}

/** The learning rate for the epoch after `epoch`; updates the plateau counters in `state`. */
function scheduledRate(train: TrainIR, state: MonitorState, epoch: number, monitored: number): number {
  const schedule = train.schedule;
  if (schedule === null) return state.learningRate;
  if (schedule.type === 'step') {
    return train.optimizer.learningRate * schedule.factor ** Math.floor(epoch / schedule.every);
  }
  if (monitored < state.plateauBest) {
    state.plateauBest = monitored;
    state.plateauWait = 0;
    return state.learningRate;
  }
  state.plateauWait += 1;
  if (state.plateauWait < schedule.patience) return state.learningRate;
  state.plateauWait = 0;
  return Math.max(state.learningRate * schedule.factor, schedule.minLearningRate);
}
