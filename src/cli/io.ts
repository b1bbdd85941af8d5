// The CLI's only contact with the outside world besides the file system: where text goes and whether it is
// a terminal. Tests pass a capturing Io.
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** True when stderr is a terminal (progress lines are drawn only then). */
  readonly tty: boolean;
  /** Colour on stdout: a terminal, and NO_COLOR unset (https://no-color.org). */
  readonly color?: boolean;
  readonly now: () => number;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY === true,
  color: process.stdout.isTTY === true && (process.env['NO_COLOR'] ?? '') === '',
  now: () => Date.now(),
};

/** A usage or input error: one line on stderr, exit code 2. */
export class UsageError extends Error {}
