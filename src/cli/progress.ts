// A single self-overwriting progress line on a terminal, shown only once a run has lasted two seconds.
import type { Io } from './io.ts';

export interface Progress {
  update(done: number, total: number, what: string, steps: number): void;
  finish(): void;
}

export function progress(io: Io, quiet: boolean): Progress {
  const started = io.now();
  let drawn = false;
  let last = 0;
  return {
    update(done, total, what, steps) {
      if (!io.tty || quiet) return;
      const now = io.now();
      if (now - started < 2000 || now - last < 100) return;
      last = now;
      const secs = (now - started) / 1000;
      const width = 20;
      const filled = Math.round((done / Math.max(1, total)) * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      io.err(
        `\r[${bar}] ${done}/${total} ${secs.toFixed(1)}s ${Math.round(steps / secs)} steps/s  ${what}`
          .padEnd(110)
          .slice(0, 110),
      );
      drawn = true;
    },
    finish() {
      if (drawn) io.err(`\r${' '.repeat(110)}\r`);
    },
  };
}
