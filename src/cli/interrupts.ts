/**
 * Ctrl-C (SIGINT) or a polite kill (SIGTERM: `kill PID`, a container or service stopping) during `seqnet
 * train`: the first one asks the training loop to stop after the batch in progress (it then writes a
 * checkpoint and the command exits with 128 + the signal's number, as shells report it); every further one is
 * acknowledged and ignored, because quitting while the checkpoint or the final model is being written would
 * lose the run. (`kill -9` still stops the process at once; even then `seqnet train --resume` can finish the
 * run.)
 */
import { constants } from 'node:os';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** Exit status after Ctrl-C (128 + SIGINT). */
export const INTERRUPTED_EXIT = 128 + constants.signals.SIGINT;

export interface InterruptHandling {
  /** Aborted at the first stop signal. */
  signal: AbortSignal;
  /** The exit status for the run that stopped: 130 after Ctrl-C, 143 after SIGTERM. */
  exitCode(): number;
  /** Stops listening (call when training has returned, whatever the outcome). */
  dispose(): void;
}

/** Listens for SIGINT and SIGTERM until `dispose`; `write` receives the lines shown to the user (stderr). */
export function handleInterrupts(write: (text: string) => void = (text) => process.stderr.write(text)): InterruptHandling {
  const controller = new AbortController();
  let received: StopSignal = 'SIGINT';
  const onSignal = (signal: StopSignal): void => {
    const what = signal === 'SIGINT' ? 'this Ctrl-C' : `this ${signal}`;
    if (!controller.signal.aborted) {
      received = signal;
      write('\nstopping after this batch and saving a checkpoint (a save under way is finished first)…\n');
      controller.abort();
      return;
    }
    write(`\nstill saving, please wait: quitting now could lose the run (${what} is ignored)…\n`);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    signal: controller.signal,
    exitCode: () => 128 + constants.signals[received],
    dispose: () => STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal)),
  };
}
