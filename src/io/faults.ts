/**
 * INTERNAL, TEST-ONLY fault injection; not a user feature and not documented for users.
 *
 * `SEQNET_FAULT=<point>[@<n>]:<SIGINT|SIGTERM|SIGKILL>`, read once when this module loads, makes the process send
 * itself the signal (`process.kill(process.pid, signal)`) the n-th time (default: the first) it reaches the
 * named point. The lifecycle tests use it to stop a real `seqnet train` at every place where a signal or a
 * crash could land, deterministically, and then check that `--resume` finishes the run with the same bytes.
 *
 * Points (where `faultPoint` is called):
 * - `after-batch`: a batch was trained (src/train/loop.ts);
 * - `checkpoint:after-weights`, `checkpoint:before-rename`, `checkpoint:between-renames`,
 *   `checkpoint:after-swap` (src/train/checkpoint.ts): inside a checkpoint write;
 * - `final-save:after-weights`, `final-save:before-run-json` (src/train/session.ts): inside the final save;
 * - `manifest:before-write` (src/io/manifest.ts): files of a commit written, its manifest not yet.
 */

export const FAULT_POINTS = [
  'after-batch',
  'checkpoint:after-weights',
  'checkpoint:before-rename',
  'checkpoint:between-renames',
  'checkpoint:after-swap',
  'final-save:after-weights',
  'final-save:before-run-json',
  'manifest:before-write',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];

interface Fault {
  point: FaultPoint;
  occurrence: number;
  signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL';
}

function parseFault(text: string | undefined): Fault | null {
  if (text === undefined || text === '') return null;
  const match = /^(.+?)(?:@(\d+))?:(SIGINT|SIGTERM|SIGKILL)$/.exec(text);
  if (match === null || !(FAULT_POINTS as readonly string[]).includes(match[1])) {
    throw new Error(`SEQNET_FAULT='${text}' is not <point>[@<n>]:<SIGINT|SIGTERM|SIGKILL> with a point among ${FAULT_POINTS.join(', ')}`);
  }
  return { point: match[1] as FaultPoint, occurrence: match[2] === undefined ? 1 : Number(match[2]), signal: match[3] as Fault['signal'] };
}

const fault = parseFault(process.env.SEQNET_FAULT);
let hits = 0;

/**
 * Marks a point where a signal may land. Without SEQNET_FAULT (always, outside the tests) it returns at
 * once. A SIGINT or SIGTERM is awaited until Node has delivered it to the process's listeners, so the code after the
 * point runs exactly as it would after a real Ctrl-C at that moment.
 */
export async function faultPoint(point: FaultPoint): Promise<void> {
  if (fault === null || fault.point !== point) return;
  hits += 1;
  if (hits !== fault.occurrence) return;
  if (fault.signal === 'SIGKILL') {
    process.kill(process.pid, 'SIGKILL');
    await new Promise<never>(() => {});
  }
  // Signal listeners do not keep Node's event loop alive; the timer does, until the signal has arrived.
  const keepAlive = setInterval(() => {}, 1000);
  const delivered = new Promise<void>((resolve) => process.once(fault.signal, () => resolve()));
  process.kill(process.pid, fault.signal);
  await delivered;
  clearInterval(keepAlive);
}
