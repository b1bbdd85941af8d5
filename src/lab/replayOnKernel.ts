// `kernel replay`'s engine: plans every file, runs the sequences of each boot in one guest (booting again for
// the rest when a sequence kills the guest), and compares every step with the model.
import type { JsonValue } from '../checker/actionCodec.ts';
import { compareResult, formatKernelResult, formatModelResult, type StepVerdict } from './compareResult.ts';
import { buildReproducer, type CBuild, type CRun, parseCRuns } from './cRepro.ts';
import { isSplat, type KernelSequence, type KmsgLine, parseGuestOutput } from './kernelOutput.ts';
import type { LabInstall } from './labCache.ts';
import type { ContainerRun, LabBoot, LabSequence, LabSkip, Planned } from './labTypes.ts';
import { type GuestRun, runGuest } from './qemu.ts';

/** Boots a guest with a batch (QEMU in the tool; a fake in the tests). */
export type GuestRunner = (
  lab: LabInstall,
  boot: LabBoot,
  batch: string,
  timeoutMs: number,
  smp?: number,
  extra?: Readonly<Record<string, string | Buffer>>,
) => GuestRun;

/** A counterexample's C reproducer on the kernel (kernel replay --c). */
export type CReproOutcome =
  | {
      readonly kind: 'ran';
      /** 0: every recorded answer reproduced; 1: not; 4: skipped by the program; null: no exit seen. */
      readonly exit: number | null;
      readonly failed: readonly string[];
      /** The program's verdict is the executor's (`reproduced`). */
      readonly consistent: boolean;
    }
  | { readonly kind: 'not-expressible'; readonly reason: string };

export interface StepOutcome {
  readonly index: number;
  readonly op: string;
  readonly model: string;
  /** null: the step did not run on the kernel (the guest died before it, or the executor could not express it). */
  readonly kernel: string | null;
  readonly verdict: StepVerdict | 'not run';
  readonly match: boolean;
}

export interface FirstDisagreement {
  readonly index: number;
  readonly op: string;
  readonly line: string;
  readonly model: string;
  readonly kernel: string;
  readonly modelBefore: JsonValue;
  readonly modelAfter: JsonValue;
  readonly kernelLog: readonly string[];
}

export interface FileOutcome {
  readonly file: string;
  readonly run: ContainerRun;
  readonly semantics: string;
  readonly boot: LabBoot;
  readonly match: boolean;
  readonly steps: readonly StepOutcome[];
  readonly first: FirstDisagreement | null;
  /** The guest died or hung inside this sequence: the console's last lines (an oops is a finding). */
  readonly crash: string | null;
  /** The file's later steps could not be planned (see LabSequence.truncated). */
  readonly truncated: string | null;
  /** A counterexample: did the kernel give every recorded answer (the trace that makes the violation)? null
   * when there is nothing recorded; else the first step where it did not. */
  readonly reproduced:
    | { readonly all: true }
    | { readonly all: false; readonly index: number; readonly recorded: string; readonly kernel: string }
    | null;
  /** kernel replay --c: the C reproducer's run, or null when not asked for or not a counterexample. */
  readonly c: CReproOutcome | null;
  readonly kernelLog: readonly KmsgLine[];
}

export interface ReplayReport {
  readonly release: string;
  readonly flavour: string;
  readonly outcomes: readonly FileOutcome[];
  readonly skipped: readonly LabSkip[];
  readonly boots: number;
  readonly guestMs: number;
  readonly elapsedMs: number;
}

/** Bounds one boot: TCG boots in about 5 s; a step takes milliseconds, a vfio-pci open up to a second. */
const bootTimeoutMs = (steps: number): number => Math.min(600_000, 60_000 + steps * 250);

function outcomeOf(seq: LabSequence, k: KernelSequence | undefined, crash: string | null): FileOutcome {
  const steps: StepOutcome[] = [];
  let first: FirstDisagreement | null = null;
  for (const s of seq.steps) {
    const ks = k?.steps.get(s.index);
    if (ks === undefined) {
      const model = formatModelResult(s.model, s.returnsFd);
      // A step the model does not cover and the executor cannot express makes no claim either way.
      const verdict = s.model.kind === 'unmodelled' && k?.errors.has(s.index) === true ? 'unmodelled' : 'not run';
      steps.push({ index: s.index, op: s.op, model, kernel: k?.errors.get(s.index) ?? null, verdict, match: false });
      continue;
    }
    // The kernel's own monitors are part of the result: a WARN/BUG/KASAN/lockdep line after this step must be
    // one the model predicts (and a predicted WARN must be printed).
    const kernelSplats = (k?.kmsg ?? []).filter((l) => l.index === s.index && isSplat(l.line));
    const warnAgrees = s.warns.length > 0 === kernelSplats.length > 0;
    const base = compareResult(s.model, ks, s.returnsFd, s.fdOut);
    const verdict: StepVerdict = warnAgrees ? base : 'disagree';
    const kernel = formatKernelResult(ks, s.model, s.returnsFd) + (kernelSplats.length > 0 ? ' +WARN' : '');
    const model = formatModelResult(s.model, s.returnsFd) + (s.warns.length > 0 ? ' +WARN' : '');
    steps.push({ index: s.index, op: s.op, model, kernel, verdict, match: verdict === 'agree' });
    if (verdict === 'disagree' && first === null) {
      const st = s.state();
      first = {
        index: s.index,
        op: s.op,
        line: s.line,
        model,
        kernel,
        modelBefore: st.before,
        modelAfter: st.after,
        kernelLog: (k?.kmsg ?? []).map((l) => `[step ${l.index}] ${l.line}`),
      };
    }
  }
  // Splats while the executor closed what the sequence left open (no model step predicts those).
  const atEnd = (k?.kmsg ?? []).filter((l) => l.index < 0 && isSplat(l.line));
  let reproduced: FileOutcome['reproduced'] = null;
  if (seq.recorded !== null) {
    reproduced = { all: true };
    for (const s of seq.steps) {
      const want = seq.recorded[s.index];
      const ks = k?.steps.get(s.index);
      if (want === undefined) continue;
      if (ks === undefined || compareResult(want, ks, s.returnsFd, s.fdOut) !== 'agree') {
        reproduced = {
          all: false,
          index: s.index,
          recorded: formatModelResult(want, s.returnsFd),
          kernel: ks === undefined ? '(not run)' : formatKernelResult(ks, want, s.returnsFd),
        };
        break;
      }
    }
  }
  const match =
    crash === null &&
    seq.truncated === null &&
    atEnd.length === 0 &&
    steps.every((s) => s.verdict === 'agree' || s.verdict === 'unmodelled');
  return {
    file: seq.file,
    run: seq.run,
    semantics: seq.semantics,
    boot: seq.boot,
    match,
    steps,
    first,
    crash,
    truncated: seq.truncated,
    reproduced,
    c: null,
    kernelLog: k?.kmsg ?? [],
  };
}

function cOutcome(b: CBuild, runs: ReadonlyMap<string, CRun>, o: FileOutcome): CReproOutcome {
  if (b.kind === 'not-expressible') return b;
  const r = runs.get(b.name);
  const exit = r?.exit ?? null;
  const all = o.reproduced?.all ?? null;
  const consistent = (exit === 0 && all === true) || (exit === 1 && all === false);
  return { kind: 'ran', exit, failed: r?.failed ?? [], consistent };
}

export function batchText(seqs: readonly LabSequence[]): string {
  return seqs.map((s) => `S ${s.id}\n${s.steps.map((x) => `${x.line}\n`).join('')}E\n`).join('');
}

/** Runs `planned` on `lab`: one boot per boot kind, again after a guest that died, until every sequence ran. */
export function replayOnKernel(
  lab: LabInstall,
  planned: readonly Planned[],
  progress: (msg: string) => void = () => {},
  guest: GuestRunner = runGuest,
  withC = false,
): ReplayReport {
  const t0 = Date.now();
  const skipped: LabSkip[] = [];
  const byBoot = new Map<LabBoot, LabSequence[]>();
  for (const p of planned) {
    if (p.kind === 'skip') skipped.push({ file: p.file, run: p.run, reason: p.reason });
    else byBoot.set(p.seq.boot, [...(byBoot.get(p.seq.boot) ?? []), p.seq]);
  }
  const outcomes = new Map<string, FileOutcome>();
  let boots = 0;
  let guestMs = 0;
  let release = lab.release;
  for (const [boot, seqs] of byBoot) {
    let rest = seqs;
    while (rest.length > 0) {
      const steps = rest.reduce((n, s) => n + s.steps.length, 0);
      const repro = new Map<string, CBuild>();
      const extra: Record<string, string | Buffer> = {};
      if (withC)
        for (const [i, seq] of rest.entries()) {
          const b = buildReproducer(seq, `c${i}`);
          if (b === null) continue;
          repro.set(seq.id, b);
          if (b.kind === 'built') {
            extra[`lab/c/${b.name}.bin`] = b.binary;
            extra[`lab/c/${b.name}.args`] = `${b.args}\n`;
          }
        }
      const nC = Object.keys(extra).length / 2;
      progress(
        `boot ${boots + 1} (${boot}): ${rest.length} sequences, ${steps} steps${withC ? `, ${nC} C reproducers` : ''}`,
      );
      const g = guest(lab, boot, batchText(rest), bootTimeoutMs(steps) + nC * 5_000, 1, extra);
      const cRuns = parseCRuns(g.output);
      boots++;
      guestMs += g.elapsedMs;
      const out = parseGuestOutput(g.output);
      if (out.release !== null) release = out.release;
      let died: string | null = null;
      const next: LabSequence[] = [];
      for (const seq of rest) {
        const k = out.sequences.get(seq.id);
        if (died !== null || (k === undefined && !out.done)) {
          next.push(seq);
          continue;
        }
        if (k !== undefined && !k.ended && !out.done) {
          // The guest stopped inside this sequence: a crash (or a hang) is a finding about this file.
          const tail = g.console.split('\n').slice(-40).join('\n');
          died = seq.id;
          outcomes.set(
            seq.id,
            outcomeOf(seq, k, g.timedOut ? `the guest hung (no output for the rest of the run)\n${tail}` : tail),
          );
          continue;
        }
        const o = outcomeOf(seq, k, null);
        const b = repro.get(seq.id);
        const c = b === undefined ? null : cOutcome(b, cRuns, o);
        outcomes.set(seq.id, c === null ? o : { ...o, c, match: o.match && (c.kind !== 'ran' || c.consistent) });
      }
      if (died === null && next.length === rest.length) {
        // No sequence ran at all: the guest never reached the executor. One line naming the stage.
        const tail = g.console
          .split('\n')
          .filter((l) => l.trim() !== '')
          .slice(-5)
          .join(' | ');
        throw new Error(
          `the ${lab.flavour} guest (${boot} boot) ${g.timedOut ? 'did not finish within its bound' : 'stopped before running the batch'}: ${tail}`,
        );
      }
      rest = next;
    }
  }
  const order = planned.flatMap((p) => (p.kind === 'run' ? [p.seq.id] : []));
  return {
    release,
    flavour: lab.flavour,
    outcomes: order.flatMap((id) => {
      const o = outcomes.get(id);
      return o === undefined ? [] : [o];
    }),
    skipped,
    boots,
    guestMs,
    elapsedMs: Date.now() - t0,
  };
}

/** The kernel's own verdicts in a run: every WARN/BUG/KASAN/lockdep line, with its file and step. */
export const splats = (r: ReplayReport): { file: string; run: ContainerRun; index: number; line: string }[] =>
  r.outcomes.flatMap((o) =>
    o.kernelLog.filter((l) => isSplat(l.line)).map((l) => ({ file: o.file, run: o.run, index: l.index, line: l.line })),
  );
