import { afterEach, describe, expect, it } from 'vitest';
import { handleInterrupts, type InterruptHandling } from '../../src/cli/interrupts.js';

describe('Ctrl-C handling', () => {
  let handling: InterruptHandling | null = null;
  afterEach(() => handling?.dispose());

  it('aborts at the first Ctrl-C and only acknowledges the ones after it', () => {
    const lines: string[] = [];
    handling = handleInterrupts((text) => lines.push(text.trim()));
    const listeners = process.listenerCount('SIGINT');
    expect(handling.signal.aborted).toBe(false);
    process.emit('SIGINT', 'SIGINT');
    expect(handling.signal.aborted).toBe(true);
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    // Still here (no process.exit), still listening, and every Ctrl-C got an answer.
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(lines).toEqual([
      'stopping after this batch and saving a checkpoint (a save under way is finished first)…',
      'still saving, please wait: quitting now could lose the run (this Ctrl-C is ignored)…',
      'still saving, please wait: quitting now could lose the run (this Ctrl-C is ignored)…',
    ]);
    expect(handling.exitCode()).toBe(130);
    handling.dispose();
    expect(process.listenerCount('SIGINT')).toBe(listeners - 1);
    handling = null;
  });

  it('treats SIGTERM as a stop request too, and exits with 143 after it', () => {
    const lines: string[] = [];
    handling = handleInterrupts((text) => lines.push(text.trim()));
    process.emit('SIGTERM', 'SIGTERM');
    expect(handling.signal.aborted).toBe(true);
    process.emit('SIGINT', 'SIGINT');
    expect(handling.exitCode()).toBe(143);
    expect(lines[1]).toBe('still saving, please wait: quitting now could lose the run (this Ctrl-C is ignored)…');
    handling.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(0);
    handling = null;
  });
});
