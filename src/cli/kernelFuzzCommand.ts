// `ioas-check kernel fuzz`: generated sequences on the real kernel and on the model, every step compared; each
// disagreement class shrunk on the kernel and written to scenarios/kernel-found/; the agreement report under --out.
import { basename, join } from 'node:path';
import { agreementByOp, agreementMarkdown } from '../lab/agreement.ts';
import { foundScenario } from '../lab/foundScenario.ts';
import { FUZZ_SCOPES, type FuzzOptions, type FuzzRun, type FuzzScope, fuzz, fuzzTopology } from '../lab/fuzz.ts';
import { isSplat } from '../lab/kernelOutput.ts';
import { defaultCache, findLab } from '../lab/labCache.ts';
import { LAB_PROFILE } from '../lab/plan.ts';
import { qemuAvailable } from '../lab/qemu.ts';
import { residentRunner } from '../lab/resident.ts';
import { nonNegativeInt, parse, positiveInt } from './args.ts';
import { flavourOf } from './flavour.ts';
import { type Io, UsageError } from './io.ts';
import { writeAtomic } from './writeAtomic.ts';

/** Where the shrunk sequences of a fuzz run go: `npm test` replays every scenario there. */
export const KERNEL_FOUND_DIR = join('scenarios', 'kernel-found');

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 80);

export function runKernelFuzz(args: readonly string[], io: Io): number {
  const { values } = parse(
    args,
    {
      runs: { type: 'string' },
      seed: { type: 'string' },
      scope: { type: 'string' },
      flavour: { type: 'string' },
      'max-steps': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      cache: { type: 'string' },
      noiommu: { type: 'boolean' },
      'shrink-rounds': { type: 'string' },
    },
    false,
  );
  const flavour = flavourOf(values.flavour);
  const scope = values.scope ?? 'mixed';
  if (!(FUZZ_SCOPES as readonly string[]).includes(scope))
    throw new UsageError(`--scope expects one of ${FUZZ_SCOPES.join(', ')}, got '${scope}'`);
  const opts: FuzzOptions = {
    runs: positiveInt('runs', values.runs, 2000),
    seed: nonNegativeInt('seed', values.seed, 42),
    scope: scope as FuzzScope,
    maxSteps: positiveInt('max-steps', values['max-steps'], 30),
    noiommu: values.noiommu === true,
    batch: 5000,
    shrinkRounds: nonNegativeInt('shrink-rounds', values['shrink-rounds'], 12),
  };
  const out = values.out ?? join('counterexamples', 'kernel-fuzz');
  const lab = findLab(values.cache ?? defaultCache(), flavour);
  if ('missing' in lab) throw new UsageError(lab.missing);
  if (!qemuAvailable()) throw new UsageError('qemu-system-x86_64 is not installed (run: ioas-check kernel setup)');
  const t0 = io.now();
  let r: FuzzRun;
  // One resident guest per boot kind for the whole run: the batches and every shrink round share its boot.
  const guest = residentRunner();
  try {
    r = fuzz(
      lab,
      opts,
      (m) => {
        if (values.json !== true) io.err(`kernel fuzz: ${m}\n`);
      },
      guest,
    );
  } catch (e) {
    throw new UsageError(`kernel fuzz: ${(e as Error).message}`);
  } finally {
    guest.close();
  }
  const elapsedMs = io.now() - t0;
  const command = `npx ioas-check kernel fuzz --flavour ${flavour} --scope ${opts.scope} --runs ${opts.runs} --seed ${opts.seed} --max-steps ${opts.maxSteps}${opts.noiommu ? ' --noiommu' : ''}`;
  const topo = fuzzTopology(opts.scope, opts.noiommu);
  const classes = r.classes.map((c) => {
    const file = join(KERNEL_FOUND_DIR, `${slug(`${c.key.op}-${c.key.model}-vs-${c.key.kernel}`)}.json`);
    writeAtomic(
      file,
      foundScenario(
        basename(file, '.json'),
        c.shrunk.actions,
        c.shrunkOutcome.steps,
        topo,
        {
          release: r.release,
          flavour,
          command,
          op: c.key.op,
          model: c.key.model,
          kernel: c.key.kernel,
          originalLength: c.first.actions.length,
        },
        c.shrunkOutcome.kernelLog,
      ),
    );
    return {
      op: c.key.op,
      model: c.key.model,
      kernel: c.key.kernel,
      count: c.count,
      scenario: file,
      length: c.shrunk.actions.length,
    };
  });
  const steps = r.outcomes.reduce((n, o) => n + o.steps.length, 0);
  const agreeingSteps = r.outcomes.reduce((n, o) => n + o.steps.filter((s) => s.verdict === 'agree').length, 0);
  const kernelWarnings = r.outcomes.flatMap((o) =>
    o.kernelLog.filter((l) => isSplat(l.line)).map((l) => ({ sequence: o.file, step: l.index, line: l.line })),
  );
  const summary = {
    kernel: { release: r.release, flavour },
    sequences: r.outcomes.length,
    steps,
    elapsedMs,
    agreeingSteps,
    classes: classes.map(({ op, model, kernel, count, scenario }) => ({ op, model, kernel, count, scenario })),
    kernelWarnings,
  };
  const byOp = agreementByOp(r.outcomes);
  writeAtomic(
    join(out, 'kernel-fuzz.json'),
    `${JSON.stringify({ format: 'ioas-check/kernel-fuzz@1', ...summary, command, skipped: r.skipped, boots: r.boots, guestMs: r.guestMs, agreement: byOp }, null, 2)}\n`,
  );
  writeAtomic(
    join(out, 'kernel-fuzz.md'),
    `# kernel fuzz on Linux ${r.release} (${flavour} lab)\n\n\`${command}\`: ${r.outcomes.length} sequences, ${steps} steps, ${agreeingSteps} agreeing with the ${LAB_PROFILE} model, ${classes.length} disagreement class(es), ${kernelWarnings.length} kernel WARN/BUG line(s); ${r.boots} boot(s), ${(elapsedMs / 1000).toFixed(1)} s.\n\n${classes.length === 0 ? '' : `## Disagreements\n\n| op | model | kernel | sequences | shrunk | scenario |\n|---|---|---|---|---|---|\n${classes.map((c) => `| ${c.op} | ${c.model} | ${c.kernel} | ${c.count} | ${c.length} steps | ${c.scenario} |`).join('\n')}\n\n`}## Agreement per op\n\n${agreementMarkdown(byOp)}`,
  );
  if (values.json === true) io.out(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    io.out(
      `kernel ${r.release} (${flavour}): ${r.outcomes.length} sequences, ${steps} steps, ${agreeingSteps} agreeing (${((100 * agreeingSteps) / Math.max(1, steps)).toFixed(2)}%), ${(elapsedMs / 1000).toFixed(1)} s (${r.boots} boots, ${(r.guestMs / 1000).toFixed(1)} s in the guest)\n`,
    );
    for (const c of classes)
      io.out(
        `DISAGREEMENT ${c.op}: model ${c.model}, kernel ${c.kernel} (${c.count} sequences), shrunk to ${c.length} steps: ${c.scenario}\n`,
      );
    for (const w of kernelWarnings) io.out(`kernel WARN after ${w.sequence} step ${w.step}: ${w.line}\n`);
    io.out(`report: ${join(out, 'kernel-fuzz.md')}\n`);
  }
  return classes.length === 0 && kernelWarnings.length === 0 ? 0 : 1;
}
