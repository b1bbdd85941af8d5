// The model's side of a race: every outcome the threaded model allows for a race block, found by trying every
// schedule of its threads' atomic steps (the same programs `check` searches with fast-check, enumerated here
// because a race block is small: a few ioctls, a few windows each). A kernel outcome the model cannot produce
// is a disagreement like any other; a model outcome the kernel never showed is reported as not seen.
import type { Action } from '../model/actions.ts';
import { type OpResult, unmodelled } from '../model/result.ts';
import type { Semantics } from '../model/semantics.ts';
import { initialThreadedWorld, type ThreadedWorld } from '../model/threads/ThreadedWorld.ts';
import { threadStep } from '../model/threads/threadStep.ts';
import type { Topology } from '../model/topology.ts';

export interface RaceProgram {
  /** Atomic ioctls before the threads start. */
  readonly before: readonly Action[];
  /** Each thread's ioctls, in order. */
  readonly threads: readonly (readonly Action[])[];
  /** Atomic ioctls after the join. */
  readonly after: readonly Action[];
}

/** One way the block can end: every ioctl's result in block order (before, each thread's, after), or a
 * deadlock (no thread can take a step). */
export interface ModelOutcome {
  readonly results: readonly OpResult[];
  readonly deadlock: boolean;
}

/** Bounds the enumeration: a block with more schedules than this is too big to be a race block. */
const MAX_NODES = 200_000;

function runAtomic(tw: ThreadedWorld, a: Action, sem: Semantics, topo: Topology): [ThreadedWorld, OpResult] | null {
  let out = threadStep(tw, { kind: 'start', action: a }, sem, topo);
  if (out === null) return null;
  // An ioctl with windows, run alone: advance it to its end.
  while (!out.finished) {
    const next = threadStep(out.tw, { kind: 'advance', lane: out.lane }, sem, topo);
    if (next === null) return null;
    out = next;
  }
  return [out.tw, out.result];
}

/** Every distinct outcome of `p` under the threaded model (deduplicated by their results). */
export function modelOutcomes(p: RaceProgram, sem: Semantics, topo: Topology): ModelOutcome[] {
  let tw = initialThreadedWorld(topo);
  const head: OpResult[] = [];
  for (const a of p.before) {
    const r = runAtomic(tw, a, sem, topo);
    if (r === null) return [{ results: head, deadlock: true }];
    [tw, head[head.length]] = r;
  }
  const found = new Map<string, ModelOutcome>();
  let nodes = 0;
  const n = p.threads.length;
  const offsets = p.threads.map((_, k) => p.threads.slice(0, k).reduce((s, t) => s + t.length, 0));
  const total = offsets[n - 1] === undefined ? 0 : (offsets[n - 1] as number) + (p.threads[n - 1]?.length ?? 0);
  const record = (w: ThreadedWorld, res: readonly (OpResult | undefined)[], deadlock: boolean) => {
    const results: OpResult[] = [...head, ...res.map((r) => r ?? unmodelled('not finished'))];
    let end = w;
    if (!deadlock)
      for (const a of p.after) {
        const r = runAtomic(end, a, sem, topo);
        if (r === null) {
          deadlock = true;
          break;
        }
        end = r[0];
        results.push(r[1]);
      }
    const key = JSON.stringify([results, deadlock]);
    if (!found.has(key)) found.set(key, { results, deadlock });
  };
  const dfs = (
    w: ThreadedWorld,
    next: readonly number[],
    lane: readonly (number | null)[],
    res: readonly (OpResult | undefined)[],
  ): void => {
    if (++nodes > MAX_NODES) throw new Error(`the race block has over ${MAX_NODES} schedules`);
    let moved = false;
    let finished = true;
    for (let k = 0; k < n; k++) {
      const l = lane[k] ?? null;
      const list = p.threads[k] as readonly Action[];
      const i = next[k] as number;
      if (l === null && i >= list.length) continue;
      finished = false;
      const out =
        l === null
          ? threadStep(w, { kind: 'start', action: list[i] as Action }, sem, topo)
          : threadStep(w, { kind: 'advance', lane: l }, sem, topo);
      if (out === null) continue;
      moved = true;
      const next2 = [...next];
      const lane2 = [...lane];
      const res2 = [...res];
      if (out.finished) {
        res2[(offsets[k] as number) + i] = out.result;
        next2[k] = i + 1;
        lane2[k] = null;
      } else lane2[k] = out.lane;
      dfs(out.tw, next2, lane2, res2);
    }
    if (finished) record(w, res, false);
    else if (!moved) record(w, res, true);
  };
  dfs(
    tw,
    p.threads.map(() => 0),
    p.threads.map(() => null),
    Array.from({ length: total }, () => undefined),
  );
  return [...found.values()];
}
