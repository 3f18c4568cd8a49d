/** The range `--threads` accepts, apart from the thread code (which loads tfjs) so the CLI checks it at once. */
export const MAX_THREADS = 64;
