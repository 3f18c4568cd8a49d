/**
 * Ctrl-C during `seqnet train`: the first one asks the training loop to stop after the batch in progress
 * (it then writes a checkpoint and the command exits with 130); every further one is acknowledged and
 * ignored, because quitting while the checkpoint or the final model is being written would lose the run.
 * (`kill -9` still stops the process at once; even then `seqnet train --resume` can finish the run.)
 */

/** Exit status after Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130;

export interface InterruptHandling {
  /** Aborted at the first Ctrl-C. */
  signal: AbortSignal;
  /** Stops listening (call when training has returned, whatever the outcome). */
  dispose(): void;
}

/** Listens for SIGINT until `dispose`; `write` receives the lines shown to the user (stderr). */
export function handleInterrupts(write: (text: string) => void = (text) => process.stderr.write(text)): InterruptHandling {
  const controller = new AbortController();
  const onInterrupt = (): void => {
    if (!controller.signal.aborted) {
      write('\nstopping after this batch and saving a checkpoint (a save under way is finished first)…\n');
      controller.abort();
      return;
    }
    write('\nstill saving, please wait: quitting now could lose the run (this Ctrl-C is ignored)…\n');
  };
  process.on('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}
