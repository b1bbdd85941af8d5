// `ioas-check kernel setup|replay|fuzz|race`: the real-kernel lab. setup builds a flavour's lab into the cache; replay runs
// scenarios and counterexamples on the real kernel and on the model, step by step (fuzz: kernelFuzzCommand.ts; race: kernelRaceCommand.ts). Exit 0:
// everything agrees; 1: a disagreement (or a guest crash); 2: bad input or a lab that cannot run.
import { defaultCache, findLab } from '../lab/labCache.ts';
import type { Planned } from '../lab/labTypes.ts';
import { expandFiles, LabInputError, planFile } from '../lab/loadFiles.ts';
import { LAB_PROFILE } from '../lab/plan.ts';
import { qemuAvailable } from '../lab/qemu.ts';
import { type FileOutcome, type ReplayReport, replayOnKernel, splats } from '../lab/replayOnKernel.ts';
import { FLAVOUR_CAPS, setupLab } from '../lab/setup.ts';
import { parse, semanticsList } from './args.ts';
import { flavourOf } from './flavour.ts';
import { type Io, UsageError } from './io.ts';
import { runKernelFuzz } from './kernelFuzzCommand.ts';
import { runKernelRace } from './kernelRaceCommand.ts';

export function runKernel(args: readonly string[], io: Io): number {
  const [sub, ...rest] = args;
  if (sub === 'setup') return runSetup(rest, io);
  if (sub === 'replay') return runKernelReplay(rest, io);
  if (sub === 'fuzz') return runKernelFuzz(rest, io);
  if (sub === 'race') return runKernelRace(rest, io);
  throw new UsageError(
    `kernel expects a subcommand: setup, replay, fuzz or race${sub === undefined ? '' : ` (got '${sub}')`}`,
  );
}

function runSetup(args: readonly string[], io: Io): number {
  const { values } = parse(args, { flavour: { type: 'string' }, cache: { type: 'string' } }, false);
  const flavour = flavourOf(values.flavour);
  const cache = values.cache ?? defaultCache();
  const t0 = io.now();
  const r = setupLab(flavour, cache, (l) => io.out(`${l}\n`));
  for (const s of r.stageMs) io.out(`  ${s.stage.padEnd(14)} ${(s.ms / 1000).toFixed(1)} s\n`);
  if (!r.ok) {
    io.err(`ioas-check: kernel setup: ${r.message}\n`);
    return 2;
  }
  io.out(`${r.message} (${((io.now() - t0) / 1000).toFixed(1)} s)\n`);
  return 0;
}

function runKernelReplay(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(
    args,
    {
      flavour: { type: 'string' },
      cache: { type: 'string' },
      json: { type: 'boolean' },
      semantics: { type: 'string' },
      c: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length === 0) throw new UsageError('kernel replay needs at least one file or directory');
  const flavour = flavourOf(values.flavour);
  // The model the kernel is compared with: v6.12 (the lab's kernel) unless a reviewer asks which profile fits.
  const profile =
    semanticsList(values.semantics === undefined ? undefined : [values.semantics], [LAB_PROFILE])[0]?.name ??
    LAB_PROFILE;
  const cache = values.cache ?? defaultCache();
  let planned: Planned[];
  try {
    planned = expandFiles(positionals).flatMap((f) => planFile(f, FLAVOUR_CAPS[flavour], profile));
  } catch (e) {
    if (e instanceof LabInputError) throw new UsageError(e.message);
    throw e;
  }
  const lab = findLab(cache, flavour);
  if ('missing' in lab) throw new UsageError(lab.missing);
  if (!qemuAvailable()) throw new UsageError('qemu-system-x86_64 is not installed (run: ioas-check kernel setup)');
  let report: ReplayReport;
  try {
    report = replayOnKernel(
      lab,
      planned,
      (m) => {
        if (values.json !== true) io.err(`kernel replay: ${m}\n`);
      },
      undefined,
      values.c === true,
    );
  } catch (e) {
    throw new UsageError(`kernel replay: ${(e as Error).message}`);
  }
  if (values.json === true) io.out(`${JSON.stringify(replayJson(report), null, 2)}\n`);
  else io.out(replayText(report));
  return report.outcomes.every((o) => o.match) ? 0 : 1;
}

/** The `--json` shape: `{ kernel: { release, flavour }, results: [ { file, semantics, match, steps } ], kernelLog }`
 * plus `skipped` and the boot figures. */
export function replayJson(r: ReplayReport): unknown {
  return {
    kernel: { release: r.release, flavour: r.flavour },
    results: r.outcomes.map((o) => ({
      file: o.file,
      run: o.run,
      semantics: o.semantics,
      boot: o.boot,
      match: o.match,
      steps: o.steps.map((s) => ({
        index: s.index,
        op: s.op,
        model: s.model,
        kernel: s.kernel,
        match: s.match,
        verdict: s.verdict,
      })),
      ...(o.first === null ? {} : { firstDisagreement: o.first }),
      ...(o.crash === null ? {} : { crash: o.crash }),
      ...(o.truncated === null ? {} : { truncated: o.truncated }),
      ...(o.reproduced === null ? {} : { reproduced: o.reproduced }),
      ...(o.c === null ? {} : { c: o.c }),
    })),
    skipped: r.skipped,
    kernelLog: splats(r),
    boots: r.boots,
    guestMs: r.guestMs,
    elapsedMs: r.elapsedMs,
  };
}

const mark = (o: FileOutcome['steps'][number]): string =>
  o.verdict === 'agree' ? 'agree' : o.verdict === 'disagree' ? 'DISAGREE' : o.verdict;

export function replayText(r: ReplayReport): string {
  const lines: string[] = [`kernel ${r.release} (${r.flavour} flavour)`, ''];
  for (const o of r.outcomes) {
    const agree = o.steps.filter((s) => s.verdict === 'agree').length;
    const unmodelled = o.steps.filter((s) => s.verdict === 'unmodelled').length;
    const runLabel = o.run === 'legacy' ? ' [legacy container]' : '';
    lines.push(
      `${o.file}${runLabel}: ${o.match ? 'agrees' : 'DISAGREES'} (${agree}/${o.steps.length} steps agree${unmodelled > 0 ? `, ${unmodelled} not modelled` : ''}; model ${o.semantics}, ${o.boot} boot)`,
    );
    const w = Math.max(4, ...o.steps.map((s) => s.op.length));
    const wm = Math.max(5, ...o.steps.map((s) => s.model.length));
    for (const s of o.steps)
      lines.push(
        `  ${String(s.index).padStart(3)} ${s.op.padEnd(w)}  model ${s.model.padEnd(wm)}  kernel ${s.kernel ?? '(not run)'}  ${mark(s)}`,
      );
    if (o.first !== null) {
      lines.push(
        `  first disagreement, step ${o.first.index} (${o.first.op}): model ${o.first.model}, kernel ${o.first.kernel}`,
      );
      lines.push(`  executor line: ${o.first.line}`);
      lines.push(`  model state before: ${JSON.stringify(o.first.modelBefore)}`);
      lines.push(`  model state after:  ${JSON.stringify(o.first.modelAfter)}`);
      lines.push(`  kernel log of the sequence:${o.first.kernelLog.length === 0 ? ' (nothing)' : ''}`);
      for (const l of o.first.kernelLog) lines.push(`    ${l}`);
    }
    if (o.truncated !== null) lines.push(`  NOT ALL STEPS RAN: ${o.truncated}`);
    if (o.reproduced !== null)
      lines.push(
        o.reproduced.all
          ? '  the recorded trace (the answers that make the violation) is reproduced on this kernel'
          : `  the recorded trace is not reproduced: step ${o.reproduced.index} recorded ${o.reproduced.recorded}, kernel ${o.reproduced.kernel}`,
      );
    if (o.c !== null)
      lines.push(
        o.c.kind === 'not-expressible'
          ? `  C reproducer: not expressible: ${o.c.reason}`
          : `  C reproducer: exit ${o.c.exit ?? '(none: it did not finish)'} (${o.c.exit === 0 ? 'the kernel gave every recorded answer' : o.c.exit === 1 ? 'the kernel answered otherwise' : o.c.exit === 4 ? 'skipped: the machine lacks what it needs' : 'no verdict'})${o.c.consistent ? '' : " — DIFFERS from the executor's verdict"}`,
        ...(o.c.kind === 'ran' ? o.c.failed.slice(0, 6).map((l) => `    ${l}`) : []),
      );
    if (o.crash !== null)
      lines.push('  THE GUEST DIED in this sequence (a finding):', ...o.crash.split('\n').map((l) => `    ${l}`));
  }
  if (r.skipped.length > 0) {
    lines.push('', `skipped (${r.skipped.length}; never counted as agreement):`);
    for (const s of r.skipped) lines.push(`  ${s.file}${s.run === 'legacy' ? ' [legacy container]' : ''}: ${s.reason}`);
  }
  const sp = splats(r);
  if (sp.length > 0) {
    lines.push('', 'kernel WARN/BUG/KASAN/lockdep lines:');
    for (const s of sp) lines.push(`  ${s.file} step ${s.index}: ${s.line}`);
  }
  lines.push('', ...agreementTable(r));
  lines.push(
    '',
    `${r.outcomes.filter((o) => o.match).length}/${r.outcomes.length} runs agree, ${r.skipped.length} skipped; ${r.boots} boot(s), ${(r.guestMs / 1000).toFixed(1)} s in the guest, ${(r.elapsedMs / 1000).toFixed(1)} s in all`,
  );
  return `${lines.join('\n')}\n`;
}

/** Steps agreeing / steps run, per folder of files (and legacy runs apart). */
export function agreementTable(r: ReplayReport): string[] {
  const groups = new Map<
    string,
    { files: number; agree: number; steps: number; unmodelled: number; disagree: number }
  >();
  for (const o of r.outcomes) {
    const dir = o.file.includes('/') ? o.file.slice(0, o.file.lastIndexOf('/')) : '.';
    const key = o.run === 'legacy' ? `${dir} [legacy container]` : dir;
    const g = groups.get(key) ?? { files: 0, agree: 0, steps: 0, unmodelled: 0, disagree: 0 };
    g.files++;
    g.steps += o.steps.length;
    g.agree += o.steps.filter((s) => s.verdict === 'agree').length;
    g.unmodelled += o.steps.filter((s) => s.verdict === 'unmodelled').length;
    g.disagree += o.steps.filter((s) => s.verdict === 'disagree').length;
    groups.set(key, g);
  }
  const rows = [...groups].map(
    ([k, g]) => `| ${k} | ${g.files} | ${g.agree}/${g.steps} | ${g.disagree} | ${g.unmodelled} |`,
  );
  return ['| files | runs | steps agreeing / run | disagreeing | not modelled |', '|---|---|---|---|---|', ...rows];
}
