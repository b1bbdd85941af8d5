// `kernel fuzz`'s engine: the checker's own generators produce sequences, the model (v6.12) and the real kernel
// run them, every step is compared; the first disagreement of each class (op, model result, kernel result) is
// shrunk with the kernel in the loop: each round runs every one-template-shorter candidate as one batch and keeps
// the shortest that still disagrees the same way. With a resident guest (kernel fuzz's default) the batches
// share one boot, so that a shrink round costs its steps (milliseconds), not a boot.
import fc from 'fast-check';
import { resolve } from '../checker/resolve.ts';
import { type Template, templatesArb } from '../checker/template.ts';
import type { Action } from '../model/actions.ts';
import { semantics } from '../model/semantics.ts';
import { initialWorld } from '../model/state.ts';
import { step } from '../model/step.ts';
import { DEFAULT_TOPOLOGY, NOIOMMU_TOPOLOGY, type Topology, withActors } from '../model/topology.ts';
import type { Scope } from '../properties/Property.ts';
import { isSplat } from './kernelOutput.ts';
import type { LabInstall } from './labCache.ts';
import type { FlavourCaps, LabSequence } from './labTypes.ts';
import { LAB_PROFILE, planTrace } from './plan.ts';
import { runGuest } from './qemu.ts';
import { type FileOutcome, type GuestRunner, replayOnKernel } from './replayOnKernel.ts';

export const FUZZ_SCOPES = ['mixed', 'legacy-only', 'qemu-shaped'] as const satisfies readonly Scope[];
export type FuzzScope = (typeof FUZZ_SCOPES)[number];

export interface FuzzOptions {
  readonly runs: number;
  readonly seed: number;
  readonly scope: FuzzScope;
  readonly maxSteps: number;
  /** Include the no-IOMMU group g3 (sequences that mix it with IOMMU groups need the slow mixed boot). */
  readonly noiommu: boolean;
  /** Sequences per boot. */
  readonly batch: number;
  /** Shrink rounds per class (each one boot). */
  readonly shrinkRounds: number;
}

export interface Generated {
  readonly id: string;
  /** Templates without injected faults (the lab cannot inject the model's failure points). */
  readonly templates: readonly Template[];
  readonly actions: readonly Action[];
}

export function fuzzTopology(scope: FuzzScope, noiommu: boolean): Topology {
  const base = noiommu ? NOIOMMU_TOPOLOGY : DEFAULT_TOPOLOGY;
  return scope === 'mixed'
    ? withActors(base, [
        { name: 'qemu', kind: 'legacy' },
        { name: 'tool', kind: 'native' },
      ])
    : withActors(base, [{ name: 'qemu', kind: 'legacy' }]);
}

/** Resolves templates against the model's state, step by step, as the search does. */
export function resolveAll(templates: readonly Template[], topo: Topology): Action[] {
  const sem = semantics(LAB_PROFILE);
  let w = initialWorld(topo);
  return templates.map((t) => {
    const a = resolve(w, t, topo);
    w = step(w, a, sem, topo).world;
    return a;
  });
}

export function generate(o: FuzzOptions, topo: Topology): Generated[] {
  return fc.sample(templatesArb(o.scope, o.maxSteps), { numRuns: o.runs, seed: o.seed }).map((ts, i) => {
    const templates = ts.map((t) => (t.fault === null ? t : { ...t, fault: null }));
    return { id: `seq-${i}`, templates, actions: resolveAll(templates, topo) };
  });
}

/** A disagreement class: the op and both answers, fd numbers left out (they differ by nature). */
export function classKey(o: FileOutcome): { readonly op: string; readonly model: string; readonly kernel: string } {
  const f = o.first;
  if (f !== null) {
    const norm = (s: string) => s.replace(/^fd \d+/, 'fd');
    return { op: f.op, model: norm(f.model), kernel: norm(f.kernel) };
  }
  if (o.crash !== null) return { op: 'guest', model: 'runs', kernel: 'died' };
  const warnAtEnd = o.kernelLog.find((l) => l.index < 0 && isSplat(l.line));
  if (warnAtEnd !== undefined) return { op: 'close-all', model: 'no WARN', kernel: 'WARN' };
  return { op: 'unknown', model: '', kernel: '' };
}

export const keyText = (k: ReturnType<typeof classKey>): string => `${k.op}: model ${k.model}, kernel ${k.kernel}`;

function plan(g: Generated, topo: Topology, caps: FlavourCaps): LabSequence | null {
  const [p] = planTrace(g.id, g.actions, topo, { scope: 'mixed', legacy: false, recorded: null }, caps);
  return p?.kind === 'run' ? p.seq : null;
}

export interface FuzzClass {
  readonly key: ReturnType<typeof classKey>;
  count: number;
  /** The first sequence that showed it, then its shrunk form. */
  readonly first: Generated;
  shrunk: Generated;
  shrunkOutcome: FileOutcome;
  shrinkRounds: number;
}

export interface FuzzRun {
  readonly release: string;
  readonly outcomes: readonly FileOutcome[];
  readonly classes: readonly FuzzClass[];
  readonly skipped: number;
  readonly boots: number;
  readonly guestMs: number;
}

/** Runs the sequences in batches on the lab, classes the disagreements and shrinks one of each class. */
export function fuzz(
  lab: LabInstall,
  o: FuzzOptions,
  progress: (m: string) => void = () => {},
  guest: GuestRunner & { readonly bootCount?: () => number } = runGuest,
): FuzzRun {
  const topo = fuzzTopology(o.scope, o.noiommu);
  const gen = generate(o, topo);
  const byId = new Map(gen.map((g) => [g.id, g]));
  const planned = gen.flatMap((g) => {
    const s = plan(g, topo, lab.caps);
    return s === null ? [] : [{ kind: 'run' as const, seq: s }];
  });
  const outcomes: FileOutcome[] = [];
  let boots = 0;
  let guestMs = 0;
  let release = lab.release;
  for (let i = 0; i < planned.length; i += o.batch) {
    const chunk = planned.slice(i, i + o.batch);
    progress(`sequences ${i + 1}-${i + chunk.length} of ${planned.length}`);
    const r = replayOnKernel(lab, chunk, () => {}, guest);
    outcomes.push(...r.outcomes);
    boots += r.boots;
    guestMs += r.guestMs;
    release = r.release;
  }
  const classes = new Map<string, FuzzClass>();
  for (const out of outcomes.filter((x) => !x.match)) {
    const key = classKey(out);
    const k = keyText(key);
    const c = classes.get(k);
    if (c !== undefined) c.count++;
    else {
      const g = byId.get(out.file) as Generated;
      classes.set(k, { key, count: 1, first: g, shrunk: g, shrunkOutcome: out, shrinkRounds: 0 });
    }
  }
  for (const c of classes.values()) {
    progress(`shrinking ${keyText(c.key)} (${c.first.templates.length} steps)`);
    const s = shrink(lab, c, topo, o.shrinkRounds, guest);
    boots += s.boots;
    guestMs += s.guestMs;
  }
  // A resident guest counts its real boots; a guest call is a boot otherwise.
  if (guest.bootCount !== undefined) boots = guest.bootCount();
  return { release, outcomes, classes: [...classes.values()], skipped: gen.length - planned.length, boots, guestMs };
}

/** Shrinks `c.shrunk` in place: each round tries every sequence with one template (or a run of them) removed. */
function shrink(
  lab: LabInstall,
  c: FuzzClass,
  topo: Topology,
  rounds: number,
  guest: GuestRunner,
): { boots: number; guestMs: number } {
  let boots = 0;
  let guestMs = 0;
  const want = keyText(c.key);
  for (let round = 0; round < rounds; round++) {
    const ts = c.shrunk.templates;
    const cands: Generated[] = [];
    const seen = new Set<string>();
    for (let len = Math.max(1, Math.floor(ts.length / 2)); len >= 1; len = Math.floor(len / 2)) {
      for (let at = 0; at + len <= ts.length; at++) {
        const templates = [...ts.slice(0, at), ...ts.slice(at + len)];
        const sig = JSON.stringify(templates);
        if (seen.has(sig)) continue;
        seen.add(sig);
        cands.push({ id: `shrink-${round}-${cands.length}`, templates, actions: resolveAll(templates, topo) });
      }
      if (len === 1) break;
    }
    const planned = cands.flatMap((g) => {
      const s = plan(g, topo, lab.caps);
      return s === null ? [] : [{ kind: 'run' as const, seq: s }];
    });
    if (planned.length === 0) break;
    const r = replayOnKernel(lab, planned, () => {}, guest);
    boots += r.boots;
    guestMs += r.guestMs;
    const byId = new Map(cands.map((g) => [g.id, g]));
    const hits = r.outcomes
      .filter((x) => !x.match && keyText(classKey(x)) === want)
      .map((x) => ({ g: byId.get(x.file) as Generated, o: x }))
      .sort((a, b) => a.g.templates.length - b.g.templates.length);
    const best = hits[0];
    if (best === undefined) break;
    c.shrunk = best.g;
    c.shrunkOutcome = best.o;
    c.shrinkRounds = round + 1;
  }
  // Cut what follows the first disagreement: it adds nothing to the class.
  const at = c.shrunkOutcome.first?.index;
  if (at !== undefined && at + 1 < c.shrunk.templates.length) {
    const templates = c.shrunk.templates.slice(0, at + 1);
    c.shrunk = { id: c.shrunk.id, templates, actions: resolveAll(templates, topo) };
  }
  return { boots, guestMs };
}
