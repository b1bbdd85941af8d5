// The whole CLI in-process, its output captured: what the end-to-end tests run.
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `now` is the CLI's clock: fixed by default, so that timings in the output do not vary. */
export function runCli(args: readonly string[], now: () => number = () => 0): CliRun {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    tty: false,
    now,
  };
  const code = main(args, io);
  return { code, out, err };
}
