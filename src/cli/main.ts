// ioas-check command line: a dispatcher over small command functions; usage errors exit 2.
import { pathToFileURL } from 'node:url';
import { runCheck } from './check.ts';
import { runDiff } from './diffCommand.ts';
import { runDifferences } from './differencesCommand.ts';
import { runExplore } from './exploreCommand.ts';
import { type Io, processIo, UsageError } from './io.ts';
import { runKernel } from './kernelCommand.ts';
import { runProperties, runSemantics } from './listCommands.ts';
import { runRender } from './renderCommand.ts';
import { runReplay } from './replayCommand.ts';
import { runReport } from './reportCommand.ts';

const USAGE = `usage: ioas-check <command> [options]
  check [--semantics S]... [--property P]... [--runs N] [--max-steps N] [--seed N] [--out DIR] [--json] [--quiet] [--exhaustive] [--coverage]
  replay FILE... [--semantics S] [--json]
  render FILE [--format md|mermaid|itf|c]
  report [--semantics S]... [--property P]... [--runs N] [--max-steps N] [--seed N] [--out DIR] [--from RESULTS.json] [--kernel-fuzz FILE] [--kernel-race FILE] [--exhaustive] [--json] [--quiet]
  explore --semantics S [--property P]... [--groups N] [--devices N] [--mdev] [--noiommu] [--iommufds N] [--objects N] [--ids N] [--fds N] [--depth N] [--ops LIST] [--faults] [--full-states] [--symmetry] [--out DIR] [--json]
  diff --semantics A --vs B [--max-steps N] [--out DIR] [--json]
  differences [--semantics S]... [--runs N] [--max-steps N] [--seed N] [--out DIR] [--json]
  kernel setup [--flavour debian|test] [--cache DIR]
  kernel replay FILE|DIR... [--flavour debian|test] [--semantics S] [--c] [--cache DIR] [--json]
  kernel fuzz [--runs N] [--seed S] [--scope mixed|legacy-only|qemu-shaped] [--max-steps N] [--noiommu] [--flavour F] [--out DIR] [--json]
  kernel race [FILE...] [--tries N] [--jitter SPINS] [--smp N] [--widen-us US] [--until-seen] [--flavour F] [--out DIR] [--json]
  properties [--json]
  semantics [--json]
`;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: Io) => number>> = {
  check: runCheck,
  replay: runReplay,
  render: runRender,
  differences: runDifferences,
  diff: runDiff,
  explore: runExplore,
  report: runReport,
  kernel: runKernel,
  properties: runProperties,
  semantics: runSemantics,
};

export function main(argv: readonly string[], io: Io): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (run === undefined)
      throw new UsageError(`unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ioas-check: ${e.message}\n`);
      return 2;
    }
    // An output path that cannot be written (a file where a folder should be, no permission, full disk).
    const fsErr = e as NodeJS.ErrnoException;
    if (typeof fsErr.code === 'string' && typeof fsErr.path === 'string') {
      io.err(`ioas-check: cannot write ${fsErr.path}: ${fsErr.code}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2), processIo);
}
