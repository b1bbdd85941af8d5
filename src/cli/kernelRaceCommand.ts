// `ioas-check kernel race`: a threaded counterexample's interleaving tried on the real kernel with real threads
// (QEMU -smp 2), try after try on one resident guest, until it is seen or the bound passes. Reports how often
// each outcome came, per thousand tries, whether the counterexample's own answers were among them, and whether
// the threaded model allows each outcome (every schedule of the block enumerated on the model). Exit 0: every
// interleaving was seen and every outcome is one the model allows; 1: otherwise; 2: bad input or a lab that
// cannot run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCounterexample } from '../checker/loadCounterexample.ts';
import { defaultCache, findLab } from '../lab/labCache.ts';
import { expandFiles, LabInputError } from '../lab/loadFiles.ts';
import { LAB_PROFILE } from '../lab/plan.ts';
import { qemuAvailable } from '../lab/qemu.ts';
import { planRace, type RacePlan, type RaceResult, race } from '../lab/race.ts';
import { residentRunner } from '../lab/resident.ts';
import { FLAVOUR_CAPS } from '../lab/setup.ts';
import { nonNegativeInt, parse, positiveInt } from './args.ts';
import { flavourOf } from './flavour.ts';
import { type Io, UsageError } from './io.ts';
import { writeAtomic } from './writeAtomic.ts';

/** The threaded counterexamples saved for the lab's profile: the interleavings the model expects on 6.12. */
export function labThreadedCounterexamples(dir = 'counterexamples'): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((f) => join(dir, f))
    .filter((f) => {
      const r = loadCounterexample(readFileSync(f, 'utf8'));
      return r.ok && r.value.property.scope === 'threaded' && r.value.semantics.name === LAB_PROFILE;
    })
    .sort();
}

const perThousand = (n: number, of: number): string => ((1000 * n) / Math.max(1, of)).toFixed(1);

export function raceMarkdown(release: string, flavour: string, command: string, rs: readonly RaceResult[]): string {
  const parts = [
    `# kernel race on Linux ${release} (${flavour} lab)\n\n\`${command}\`\n`,
    'Each try runs the interleaving from scratch: the ioctls before the overlap on the main thread, the overlapping ones on guest threads released together (the later threads delayed by a swept number of spins), the rest after the join. An outcome is one set of answers; **seen** marks the outcome that gives every answer the counterexample recorded. *model* says whether the threaded model (every schedule of the block enumerated) can end the block that way: an outcome it cannot is a disagreement.\n',
  ];
  for (const r of rs) {
    parts.push(
      `## ${r.file} (\`${r.property}\`)\n\n${r.seen > 0 ? `**Seen ${r.seen} times in ${r.tries} tries (${perThousand(r.seen, r.tries)} per thousand), first at try ${r.firstSeenTry}.**` : `**Not seen in ${r.tries} tries.**`} ${r.threads} threads on ${r.smp} vCPUs, spins swept over 0..${r.jitter}${r.widenUs > 0 ? `, a ${r.widenUs} µs delay injected inside the compat attach window (kernel/lab/delay/)` : ', no delay injected'}; ${(r.guestMs / 1000).toFixed(1)} s in the guest.\n`,
    );
    // The table shows the ioctls on threads and after the join (those before are the setup, the same each try).
    const shown = (o: RaceResult['outcomes'][number]) => o.steps.filter((s) => s.where !== 'P');
    const first = r.outcomes[0];
    const concurrent = first === undefined ? [] : shown(first).map((s) => s.op);
    parts.push(
      `| outcome | tries | per thousand | model | ${concurrent.join(' | ')} |\n|---|---|---|---|${concurrent.map(() => '---|').join('')}\n${r.outcomes
        .map(
          (o, i) =>
            `| ${o.reproduced ? '**seen**' : `#${i + 1}`} | ${o.count} | ${perThousand(o.count, r.tries)} | ${o.modelMatches.length > 0 ? 'allows' : '**does not allow**'} | ${shown(
              o,
            )
              .map((s) => s.kernel)
              .join(' | ')} |`,
        )
        .join('\n')}\n| recorded | | | | ${
        first === undefined
          ? ''
          : shown(first)
              .map((s) => s.recorded)
              .join(' | ')
      } |\n`,
    );
    const unseen = r.model.filter((m) => !m.seen);
    parts.push(
      `The model allows ${r.model.length} outcome(s) of this block; the kernel showed ${r.model.length - unseen.length} of them.${
        unseen.length === 0
          ? ''
          : ` Not seen: ${unseen
              .map(
                (m) =>
                  `${m.deadlock ? 'a deadlock after ' : ''}${m.steps
                    .filter((x) => x.where !== 'P')
                    .map((x) => `${x.op} ${x.model}`)
                    .join(', ')}`,
              )
              .join('; ')}.`
      }\n`,
    );
    if (r.kernelWarnings.length > 0)
      parts.push(`Kernel WARN/BUG lines:\n\n${r.kernelWarnings.map((l) => `    ${l}`).join('\n')}\n`);
  }
  return `${parts.join('\n')}`;
}

export function runKernelRace(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(
    args,
    {
      tries: { type: 'string' },
      jitter: { type: 'string' },
      smp: { type: 'string' },
      'widen-us': { type: 'string' },
      'until-seen': { type: 'boolean' },
      flavour: { type: 'string' },
      cache: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  const flavour = flavourOf(values.flavour);
  const tries = positiveInt('tries', values.tries, 2000);
  const jitter = nonNegativeInt('jitter', values.jitter, 30_000);
  const smp = positiveInt('smp', values.smp, 2);
  const widenUs = nonNegativeInt('widen-us', values['widen-us'], 0);
  if (widenUs > 100_000) throw new UsageError(`--widen-us expects at most 100000 (100 ms), got ${widenUs}`);
  if (widenUs > 0 && flavour !== 'debian')
    throw new UsageError('--widen-us needs the debian flavour (its ioas_lab_delay module)');
  const files = positionals.length > 0 ? expandFiles(positionals) : labThreadedCounterexamples();
  if (files.length === 0) throw new UsageError(`kernel race: no threaded counterexample for ${LAB_PROFILE} to run`);
  let plans: RacePlan[];
  try {
    plans = files.map((f) => {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new LabInputError(`${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      return planRace(f, text, FLAVOUR_CAPS[flavour]);
    });
  } catch (e) {
    if (e instanceof LabInputError) throw new UsageError(`kernel race: ${e.message}`);
    throw e;
  }
  const lab = findLab(values.cache ?? defaultCache(), flavour);
  if ('missing' in lab) throw new UsageError(lab.missing);
  if (!qemuAvailable()) throw new UsageError('qemu-system-x86_64 is not installed (run: ioas-check kernel setup)');
  const t0 = io.now();
  const guest = residentRunner();
  let results: RaceResult[];
  try {
    results = plans.map((p) =>
      race(
        lab,
        p,
        { tries, chunk: 500, jitter, smp, widenUs, untilSeen: values['until-seen'] === true },
        guest,
        (m) => {
          if (values.json !== true) io.err(`kernel race: ${m}\n`);
        },
      ),
    );
  } catch (e) {
    throw new UsageError(`kernel race: ${(e as Error).message}`);
  } finally {
    guest.close();
  }
  const elapsedMs = io.now() - t0;
  const command = `npx ioas-check kernel race --flavour ${flavour} --tries ${tries} --jitter ${jitter} --smp ${smp}${widenUs > 0 ? ` --widen-us ${widenUs}` : ''}${values['until-seen'] === true ? ' --until-seen' : ''}${positionals.length > 0 ? ` ${positionals.join(' ')}` : ''}`;
  const summary = {
    kernel: { release: lab.release, flavour },
    elapsedMs,
    races: results.map((r) => ({
      file: r.file,
      property: r.property,
      tries: r.tries,
      threads: r.threads,
      smp: r.smp,
      jitter: r.jitter,
      widenUs: r.widenUs,
      seen: r.seen,
      perThousand: Number(perThousand(r.seen, r.tries)),
      firstSeenTry: r.firstSeenTry,
      outcomes: r.outcomes.map((o) => ({
        count: o.count,
        reproduced: o.reproduced,
        modelAllows: o.modelMatches.length > 0,
        steps: o.steps,
      })),
      model: r.model,
      kernelWarnings: r.kernelWarnings,
    })),
  };
  const out = values.out ?? join('counterexamples', 'kernel-race');
  writeAtomic(
    join(out, 'kernel-race.json'),
    `${JSON.stringify({ format: 'ioas-check/kernel-race@1', command, ...summary }, null, 2)}\n`,
  );
  writeAtomic(join(out, 'kernel-race.md'), raceMarkdown(lab.release, flavour, command, results));
  if (values.json === true) io.out(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    for (const r of results) {
      const outside = r.outcomes.filter((o) => o.modelMatches.length === 0);
      io.out(
        `${r.file}: ${r.seen > 0 ? `seen ${r.seen}/${r.tries} (${perThousand(r.seen, r.tries)} per thousand), first at try ${r.firstSeenTry}` : `not seen in ${r.tries} tries`}; ${r.outcomes.length} outcome(s) on the kernel, ${r.model.filter((m) => m.seen).length}/${r.model.length} of the model's seen${r.kernelWarnings.length > 0 ? `, ${r.kernelWarnings.length} kernel WARN line(s)` : ''}\n`,
      );
      for (const o of outside)
        io.out(
          `DISAGREEMENT ${r.file}: the kernel ended the block ${o.count} time(s) with ${o.steps.map((s) => `${s.op} ${s.kernel}`).join(', ')}, which no schedule of the model gives\n`,
        );
    }
    io.out(`report: ${join(out, 'kernel-race.md')} (${(elapsedMs / 1000).toFixed(1)} s)\n`);
  }
  return results.every((r) => r.seen > 0 && r.outcomes.every((o) => o.modelMatches.length > 0)) ? 0 : 1;
}
