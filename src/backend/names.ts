/** The backends seqnet can select, and its error, apart from the selection code (which loads tfjs). */

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend that was asked for by name and failed, or none that worked; shown without a stack trace. */
export class BackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}
