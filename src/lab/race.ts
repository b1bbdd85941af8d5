// `kernel race`'s engine: a threaded counterexample's interleaving tried on the real kernel with real threads.
// The counterexample's steps are windows inside ioctls; collapsed, they are ioctls on threads, some overlapping
// in time. Those that overlap another thread's run on guest threads released together (the executor's race
// block), what comes before runs first and what comes after runs last, on the main thread; the block runs again
// and again from scratch, the threads' relative start swept. Each try's answers are one outcome; the
// interleaving was seen when an outcome gives every answer the counterexample recorded (the answers only that
// interleaving produces: for open-atomicity, the open succeeds *and* the compat IOAS was destroyed under it).
import type { JsonValue } from '../checker/actionCodec.ts';
import { loadCounterexample } from '../checker/loadCounterexample.ts';
import type { Action } from '../model/actions.ts';
import type { OpResult } from '../model/result.ts';
import { semantics } from '../model/semantics.ts';
import type { Topology } from '../model/topology.ts';
import { compareResult, formatKernelResult, formatModelResult } from './compareResult.ts';
import { isSplat, parseGuestOutput } from './kernelOutput.ts';
import type { LabInstall } from './labCache.ts';
import type { FlavourCaps, LabBoot, LabStep } from './labTypes.ts';
import { LabInputError } from './loadFiles.ts';
import { LAB_PROFILE, planTrace } from './plan.ts';
import { type ModelOutcome, modelOutcomes, type RaceProgram } from './raceModel.ts';
import type { GuestRunner } from './replayOnKernel.ts';

/** One ioctl of the interleaving: where it runs in the race block and what the counterexample recorded. */
export interface RaceIoctl {
  readonly where: 'P' | 'T' | 'A';
  /** The guest thread (T only), numbered from 0 in order of first appearance. */
  readonly thread: number;
  /** Its index in the collapsed sequence (the executor's step index). */
  readonly index: number;
  readonly step: LabStep;
  readonly action: Action;
  /** The counterexample's trace steps it spans (first window .. result). */
  readonly from: number;
  readonly to: number;
  readonly recorded: OpResult;
}

export interface RacePlan {
  readonly file: string;
  readonly property: string;
  readonly semantics: string;
  readonly boot: LabBoot;
  readonly ioctls: readonly RaceIoctl[];
  readonly threads: number;
  readonly topology: Topology;
}

/** The block as the threaded model's program, and where each ioctl's result sits in a ModelOutcome. */
export function raceProgram(plan: RacePlan): { readonly program: RaceProgram; readonly pos: readonly number[] } {
  const before = plan.ioctls.filter((x) => x.where === 'P');
  const threads = Array.from({ length: plan.threads }, (_, k) =>
    plan.ioctls.filter((x) => x.where === 'T' && x.thread === k),
  );
  const after = plan.ioctls.filter((x) => x.where === 'A');
  const order = [...before, ...threads.flat(), ...after];
  return {
    program: {
      before: before.map((x) => x.action),
      threads: threads.map((t) => t.map((x) => x.action)),
      after: after.map((x) => x.action),
    },
    pos: plan.ioctls.map((x) => order.indexOf(x)),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collapses a threaded counterexample into its ioctls and places them (P, T<k>, A). */
export function planRace(file: string, text: string, caps: FlavourCaps): RacePlan {
  const r = loadCounterexample(text);
  if (!r.ok) throw new LabInputError(`${file}: ${r.error}`);
  const cx = r.value;
  if (cx.property.scope !== 'threaded')
    throw new LabInputError(`${file}: not a thread interleaving (${cx.property.code} searches sequences)`);
  const raw = (cx.file as unknown as { steps: { action: Record<string, JsonValue> }[] }).steps;
  const inflight = (x: OpResult) => x.kind === 'unmodelled' && x.reason.startsWith('in flight');
  // Open ioctls per thread: the first window's trace index; an ioctl ends at its first not-in-flight result.
  const open = new Map<number, number>();
  const spans: { thread: number; from: number; to: number }[] = [];
  cx.actions.forEach((_, i) => {
    const a = raw[i]?.action;
    const thread = isObj(a) && typeof a['thread'] === 'number' ? a['thread'] : 0;
    const res = cx.results[i] as OpResult;
    const from = open.get(thread) ?? i;
    if (inflight(res)) open.set(thread, from);
    else {
      open.delete(thread);
      spans.push({ thread, from, to: i });
    }
  });
  if (open.size > 0) throw new LabInputError(`${file}: an ioctl is still in flight at the end of the trace`);
  spans.sort((x, y) => x.from - y.from);
  const overlaps = (x: (typeof spans)[number]) =>
    spans.some((y) => y.thread !== x.thread && y.from <= x.to && x.from <= y.to);
  const conc = spans.filter(overlaps);
  if (conc.length === 0) throw new LabInputError(`${file}: no two ioctls overlap: nothing to race`);
  const first = Math.min(...conc.map((s) => s.from));
  const last = Math.max(...conc.map((s) => s.to));
  const actions = spans.map((s) => cx.actions[s.to] as (typeof cx.actions)[number]);
  const recorded = spans.map((s) => cx.results[s.to] as OpResult);
  const [p] = planTrace(file, actions, cx.topology, { scope: null, legacy: false, recorded }, caps, LAB_PROFILE);
  if (p === undefined || p.kind === 'skip') throw new LabInputError(`${file}: ${p?.reason ?? 'cannot be planned'}`);
  const threadIds: number[] = [];
  const ioctls = spans.map((s, i): RaceIoctl => {
    const where = s.to < first ? 'P' : s.from > last ? 'A' : 'T';
    if (where === 'T' && !threadIds.includes(s.thread)) threadIds.push(s.thread);
    return {
      where,
      thread: where === 'T' ? threadIds.indexOf(s.thread) : -1,
      index: i,
      step: p.seq.steps[i] as LabStep,
      action: actions[i] as Action,
      from: s.from,
      to: s.to,
      recorded: recorded[i] as OpResult,
    };
  });
  return {
    file,
    property: cx.property.code,
    semantics: cx.semantics.name,
    boot: p.seq.boot,
    ioctls,
    threads: threadIds.length,
    topology: cx.topology,
  };
}

/** The executor's race block for `tries` tries. */
export function raceBlock(plan: RacePlan, name: string, tries: number, jitter: number, widenUs = 0): string {
  const lines = plan.ioctls.map((x) => {
    const tag = x.where === 'T' ? `T${x.thread}` : x.where;
    return `${tag} ${x.step.line}${x.step.returnsFd ? ' fdret=1' : ''}\n`;
  });
  return `R ${name} tries=${tries} jitter=${jitter}${widenUs > 0 ? ` widen=${widenUs}` : ''}\n${lines.join('')}E\n`;
}

export interface RaceOutcome {
  readonly count: number;
  readonly firstTry: number;
  /** Every answer the counterexample recorded: the interleaving was seen. */
  readonly reproduced: boolean;
  /** The threaded model (the lab's profile) can end the block this way: the model outcomes (indices into
   * RaceResult.model) that give these answers; empty: a disagreement. */
  readonly modelMatches: readonly number[];
  /** Per ioctl: the kernel's answer (and the recorded one where they differ). */
  readonly steps: readonly {
    readonly op: string;
    readonly where: RaceIoctl['where'];
    readonly kernel: string;
    readonly recorded: string;
  }[];
  readonly kernelLog: readonly string[];
}

export interface RaceResult {
  readonly file: string;
  readonly property: string;
  readonly tries: number;
  readonly threads: number;
  readonly smp: number;
  readonly jitter: number;
  readonly widenUs: number;
  readonly seen: number;
  readonly firstSeenTry: number | null;
  readonly outcomes: readonly RaceOutcome[];
  readonly kernelWarnings: readonly string[];
  readonly guestMs: number;
  /** The outcomes the threaded model allows, each with whether the kernel showed it. */
  readonly model: readonly {
    readonly steps: readonly { readonly op: string; readonly where: RaceIoctl['where']; readonly model: string }[];
    readonly deadlock: boolean;
    readonly seen: boolean;
  }[];
}

/** Parses one race block's output: its outcomes and their counts. */
function outcomesOf(
  plan: RacePlan,
  name: string,
  output: string,
  tryBase: number,
  model: readonly ModelOutcome[],
  pos: readonly number[],
): RaceOutcome[] {
  const parsed = parseGuestOutput(output);
  const res: RaceOutcome[] = [];
  for (const raw of output.split('\n')) {
    if (!raw.startsWith('{"t":"outcome"')) continue;
    const j = JSON.parse(raw) as { seq: string; race: string; count: number; first_try: number };
    if (j.race !== name) continue;
    const k = parsed.sequences.get(j.seq);
    let reproduced = true;
    const steps = plan.ioctls.map((x) => {
      const ks = k?.steps.get(x.index);
      const recorded = formatModelResult(x.recorded, x.step.returnsFd);
      if (ks === undefined) {
        reproduced = false;
        return { op: x.step.op, where: x.where, kernel: k?.errors.get(x.index) ?? '(not run)', recorded };
      }
      if (compareResult(x.recorded, ks, x.step.returnsFd, x.step.fdOut) !== 'agree') reproduced = false;
      return { op: x.step.op, where: x.where, kernel: formatKernelResult(ks, x.recorded, x.step.returnsFd), recorded };
    });
    const modelMatches = model.flatMap((m, mi) =>
      !m.deadlock &&
      plan.ioctls.every((x) => {
        const ks = k?.steps.get(x.index);
        const want = m.results[pos[x.index] as number];
        return (
          ks !== undefined &&
          want !== undefined &&
          compareResult(want, ks, x.step.returnsFd, x.step.fdOut) !== 'disagree'
        );
      })
        ? [mi]
        : [],
    );
    res.push({
      count: j.count,
      firstTry: tryBase + j.first_try,
      reproduced,
      modelMatches,
      steps,
      kernelLog: (k?.kmsg ?? []).map((l) => l.line),
    });
  }
  return res;
}

/** Merges outcomes with the same answers (across chunks of tries). */
function merge(into: RaceOutcome[], add: readonly RaceOutcome[]): void {
  for (const o of add) {
    const key = JSON.stringify(o.steps.map((s) => s.kernel));
    const at = into.findIndex((x) => JSON.stringify(x.steps.map((s) => s.kernel)) === key);
    const prev = into[at];
    if (prev === undefined) into.push(o);
    else
      into[at] = {
        ...prev,
        count: prev.count + o.count,
        firstTry: Math.min(prev.firstTry, o.firstTry),
        kernelLog: prev.kernelLog.length > 0 ? prev.kernelLog : o.kernelLog,
      };
  }
}

export interface RaceOptions {
  readonly tries: number;
  /** Tries per batch (the executor's block); between batches the host checks `untilSeen`. */
  readonly chunk: number;
  readonly jitter: number;
  readonly smp: number;
  /** The lab's kretprobe delay inside the compat attach window, in microseconds (0: none; debian only). */
  readonly widenUs: number;
  /** Stop at the end of the first batch that saw the interleaving. */
  readonly untilSeen: boolean;
}

/** Runs `plan` on the lab: batches of tries on one resident guest (`guest`), up to `o.tries`. */
export function race(
  lab: LabInstall,
  plan: RacePlan,
  o: RaceOptions,
  guest: GuestRunner,
  progress: (m: string) => void = () => {},
): RaceResult {
  const outcomes: RaceOutcome[] = [];
  const { program, pos } = raceProgram(plan);
  const model = modelOutcomes(program, semantics(LAB_PROFILE), plan.topology);
  let done = 0;
  let guestMs = 0;
  const name = plan.file.replace(/[^A-Za-z0-9_.+-]/g, '_');
  while (done < o.tries) {
    const n = Math.min(o.chunk, o.tries - done);
    progress(`${plan.file}: tries ${done + 1}-${done + n} of ${o.tries}`);
    // About 20 ms a try on TCG (a vfio-pci open and close); bounded generously.
    const g = guest(lab, plan.boot, raceBlock(plan, name, n, o.jitter, o.widenUs), 120_000 + n * 200, o.smp);
    guestMs += g.elapsedMs;
    const got = outcomesOf(plan, name, g.output, done, model, pos);
    const refused = parseGuestOutput(g.output).sequences.get(name)?.errors.get(-1);
    if (refused !== undefined) throw new Error(refused);
    if (got.length === 0) {
      const tail = `${g.output}\n${g.console}`
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-5)
        .join(' | ');
      throw new Error(`the race block of ${plan.file} gave no outcome${g.timedOut ? ' (timed out)' : ''}: ${tail}`);
    }
    merge(outcomes, got);
    done += n;
    if (o.untilSeen && outcomes.some((x) => x.reproduced)) break;
  }
  const seen = outcomes.filter((x) => x.reproduced);
  return {
    file: plan.file,
    property: plan.property,
    tries: done,
    threads: plan.threads,
    smp: o.smp,
    jitter: o.jitter,
    widenUs: o.widenUs,
    seen: seen.reduce((a, x) => a + x.count, 0),
    firstSeenTry: seen.length === 0 ? null : Math.min(...seen.map((x) => x.firstTry)),
    outcomes: [...outcomes].sort((a, b) => b.count - a.count),
    kernelWarnings: outcomes.flatMap((x) => x.kernelLog.filter(isSplat)),
    guestMs,
    model: model.map((m, mi) => ({
      steps: plan.ioctls.map((x) => {
        const r = m.results[pos[x.index] as number];
        return {
          op: x.step.op,
          where: x.where,
          model: r === undefined ? '(not run)' : formatModelResult(r, x.step.returnsFd),
        };
      }),
      deadlock: m.deadlock,
      seen: outcomes.some((o) => o.modelMatches.includes(mi)),
    })),
  };
}
