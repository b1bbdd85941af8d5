// Breadth-first explicit-state exploration of any ExplorableModel: every reachable state once, invariants checked
// on each, and for each violated invariant a shortest trace to a violating state.
import { collisionProbability } from './collisionProbability.ts';
import type { ExplorableModel, Invariant } from './ExplorableModel.ts';
import { FingerprintSet } from './FingerprintSet.ts';
import { FullStateSet } from './FullStateSet.ts';
import { InvariantWatch, type Violation } from './InvariantWatch.ts';
import { MAX_ACTIONS, ParentLog } from './ParentLog.ts';
import { actionList } from './replayPath.ts';
import type { StateStore } from './StateStore.ts';

export type { Violation };

export interface ExploreOptions<S> {
  /** States more than this many steps from the initial state are not generated (default: no bound). */
  readonly maxDepth?: number;
  /** Stop once this many distinct states are stored (default: no bound). */
  readonly maxStates?: number;
  readonly invariants?: readonly Invariant<S>[];
  /** Store whole encodings instead of fingerprints: exact, slower and bigger; for checking the fingerprint path. */
  readonly fullStates?: boolean;
}

export interface ExploreResult<A> {
  /** Distinct states stored. */
  readonly states: number;
  /** Actions executed: every enabled action of every expanded state, self-loops and revisits included. */
  readonly transitions: number;
  /** Of those, actions whose step returned its input (skipped without encoding). */
  readonly selfLoops: number;
  /** Steps from the initial state to the deepest stored state. */
  readonly depth: number;
  /** True when no unexpanded state was left, so `states` is the whole reachable set; false when a bound stopped it. */
  readonly exhausted: boolean;
  readonly elapsedMs: number;
  readonly statesPerSec: number;
  /** Visited-set plus trace-log bytes over `states` (the live BFS frontier is not included). */
  readonly bytesPerState: number;
  /** Largest number of states in one BFS level, all live at once. */
  readonly peakFrontier: number;
  /** Estimated probability that a fingerprint collision hid a state; 0 with `fullStates`. */
  readonly collisionProbability: number;
  /** One per violated invariant, in the order the invariants were given. */
  readonly violations: readonly Violation<A>[];
}

export function explore<S, A>(model: ExplorableModel<S, A>, opts: ExploreOptions<S> = {}): ExploreResult<A> {
  const maxDepth = opts.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
  const store: StateStore = opts.fullStates === true ? new FullStateSet() : new FingerprintSet();
  const log = new ParentLog();
  const watch = new InvariantWatch(model, log, opts.invariants ?? []);
  const buf = new Int32Array(model.maxEncodedLength);
  const started = performance.now();

  const init = model.initial();
  store.add(buf, encode(model, init, buf));
  log.push(-1, 0);
  watch.check(init, 0);

  // States are numbered in the order they are stored, which is the order they are expanded: the state being
  // expanded is number firstOfLevel + j, so a new state's parent needs no lookup.
  let frontier: S[] = [init];
  let firstOfLevel = 0;
  let depth = 0;
  let transitions = 0;
  let selfLoops = 0;
  let peakFrontier = 1;
  while (frontier.length > 0 && depth < maxDepth && store.size < maxStates) {
    const next: S[] = [];
    for (let j = 0; j < frontier.length && store.size < maxStates; j++) {
      const s = frontier[j] as S;
      const acts = actionList(model.actions(s));
      if (acts.length > MAX_ACTIONS)
        throw new Error(`model has ${acts.length} actions in one state (max ${MAX_ACTIONS})`);
      for (let i = 0; i < acts.length && store.size < maxStates; i++) {
        transitions++;
        const t = model.step(s, acts[i] as A);
        if (t === s) {
          selfLoops++;
          continue;
        }
        if (!store.add(buf, encode(model, t, buf))) continue;
        log.push(firstOfLevel + j, i);
        if (watch.active) watch.check(t, log.size - 1);
        next.push(t);
      }
    }
    firstOfLevel += frontier.length;
    frontier = next;
    if (next.length > 0) depth++;
    if (next.length > peakFrontier) peakFrontier = next.length;
  }

  const elapsedMs = performance.now() - started;
  const states = store.size;
  return {
    states,
    transitions,
    selfLoops,
    depth,
    exhausted: frontier.length === 0,
    elapsedMs,
    statesPerSec: elapsedMs > 0 ? Math.round(states / (elapsedMs / 1000)) : 0,
    bytesPerState: (store.bytes() + log.bytes()) / states,
    peakFrontier,
    collisionProbability: opts.fullStates === true ? 0 : collisionProbability(states),
    violations: watch.violations(),
  };
}

function encode<S, A>(model: ExplorableModel<S, A>, s: S, buf: Int32Array): number {
  const len = model.encode(s, buf);
  // Words past the end of a typed array are dropped silently, which would merge distinct states.
  if (len > buf.length) throw new Error(`model bug: encode wrote ${len} words, maxEncodedLength is ${buf.length}`);
  return len;
}
