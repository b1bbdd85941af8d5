// Plugs the iommufd model into the generic explorer: bounded transitions over a fixed action space, the state
// invariants among the properties, witness goals, and coverage of every op x result.
import type { Action } from '../../model/actions.ts';
import { formatResult } from '../../model/result.ts';
import type { Semantics } from '../../model/semantics.ts';
import { initialWorld, type OpenFile, type World } from '../../model/state.ts';
import { step } from '../../model/step.ts';
import type { Property } from '../../properties/Property.ts';
import type { ExplorableModel, Invariant } from '../explore/ExplorableModel.ts';
import { type ExploreResult, explore } from '../explore/explore.ts';
import { actionSpace } from './actionSpace.ts';
import type { ExploreBounds } from './bounds.ts';
import { encodeWorld } from './encodeWorld.ts';
import { permuteWorld, symmetries } from './symmetry.ts';
import { WITNESSES } from './witnesses.ts';

export interface IommufdExploreResult {
  readonly result: ExploreResult<Action>;
  /** op -> result ("ok", an errno, "unmodelled", "cut" for transitions beyond the bounds) -> count. */
  readonly coverage: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Ops in the action space that never returned anything but an error. */
  readonly neverSucceeded: readonly string[];
  /** Ops in the bounds that no reachable state ever enabled (their fds never existed). */
  readonly neverEnabled: readonly string[];
  readonly witnesses: readonly {
    readonly name: string;
    readonly reached: boolean;
    readonly trace: readonly Action[];
  }[];
  readonly properties: readonly {
    readonly code: string;
    readonly violated: boolean;
    readonly message: string | null;
    readonly trace: readonly Action[];
    readonly vacuous: boolean;
  }[];
}

/** The file kind an action's fd must have for the call to get past the fd lookup (else EBADF, ENOTTY or
 * EINVAL with nothing changed: a self-loop, which cannot affect reachability). */
function needs(a: Action): readonly [number, OpenFile['kind'] | 'any'][] {
  switch (a.kind) {
    case 'open':
    case 'open_group':
    case 'open_cdev':
      return [];
    case 'close':
    case 'pass_fd':
      return [[a.fd, 'any']];
    case 'VFIO_GROUP_SET_CONTAINER':
      return [
        [a.fd, 'group'],
        [a.container_fd, 'iommufd'],
      ];
    case 'VFIO_GROUP_UNSET_CONTAINER':
    case 'VFIO_GROUP_GET_DEVICE_FD':
      return [[a.fd, 'group']];
    case 'VFIO_DEVICE_BIND_IOMMUFD':
      return [
        [a.fd, 'cdev'],
        [a.iommufd, 'iommufd'],
      ];
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return [[a.fd, 'cdev']];
    default:
      return [[a.fd, 'iommufd']];
  }
}

/** Actions whose fds are open and of the right kind; the others are self-loops the explorer need not try. */
export function enabledIn(w: World, all: readonly Action[]): Action[] {
  const out: Action[] = [];
  for (const a of all) {
    let ok = true;
    for (const [f, kind] of needs(a)) {
      const id = w.fdTables[a.actor]?.[f];
      const file = id === undefined ? undefined : w.files[id];
      if (file === undefined || (kind !== 'any' && file.kind !== kind)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(a);
  }
  return out;
}

function withinBounds(w: World, b: ExploreBounds): boolean {
  let live = 0;
  for (const c of w.ctxs) {
    if (c === undefined) continue;
    live++;
    let objs = 0;
    for (const o of c.objects) if (o !== undefined) objs++;
    if (objs > b.maxObjects) return false;
  }
  if (live > b.maxIommufds) return false;
  for (const t of w.fdTables) if (t.length > 3 + b.maxFds) return false;
  return true;
}

export function exploreIommufd(
  sem: Semantics,
  b: ExploreBounds,
  props: readonly Property[],
  fullStates = false,
  symmetry = false,
): IommufdExploreResult {
  const topo = b.topology;
  const actions = actionSpace(b);
  const coverage: Record<string, Record<string, number>> = {};
  const count = (op: string, r: string) => {
    const row = coverage[op] ?? {};
    row[r] = (row[r] ?? 0) + 1;
    coverage[op] = row;
  };
  let counting = true;
  const model: ExplorableModel<World, Action> = {
    maxEncodedLength: 8192,
    initial: () => initialWorld(topo),
    actions: (w) => enabledIn(w, actions),
    step(s, a) {
      const out = step(s, a, sem, topo);
      if (!withinBounds(out.world, b)) {
        if (counting) count(a.kind, 'cut');
        return s;
      }
      if (counting) count(a.kind, out.result.kind === 'errno' ? out.result.errno : out.result.kind);
      return out.world;
    },
    encode: symmetry ? canonicalEncoder(topo) : encodeWorld,
  };
  const invariantProps = props.filter((p) => p.kind === 'state invariant' && p.check.kind === 'monitor');
  const invariants: Invariant<World>[] = invariantProps.map((p) => {
    if (p.check.kind !== 'monitor') throw new Error('unreachable: filtered to monitors');
    const m = p.check.create({ sem, topo });
    // A state invariant's monitor only reads the world after the step; a synthetic step record suffices.
    return {
      name: p.code,
      check: (w) =>
        m.step({
          index: 0,
          before: initialWorld(topo),
          action: actions[0] as Action,
          result: { kind: 'ok', ret: 0, out: {} },
          after: w,
          events: [],
        }),
    };
  });
  const goals: Invariant<World>[] = WITNESSES.map((wt) => ({
    name: `witness:${wt.name}`,
    check: (w) => (wt.reached(w, topo) ? 'reached' : null),
  }));
  const result = explore(model, { maxDepth: b.maxDepth, invariants: [...invariants, ...goals], fullStates });
  counting = false;
  const violation = (name: string) => result.violations.find((v) => v.invariant === name);
  const witnesses = WITNESSES.map((wt) => {
    const v = violation(`witness:${wt.name}`);
    return { name: wt.name, reached: v !== undefined, trace: v?.trace ?? [] };
  });
  const properties = invariantProps.map((p) => {
    const v = violation(p.code);
    const guard = WITNESSES.find((wt) => wt.guards.includes(p.code));
    const vacuous = v === undefined && guard !== undefined && !witnesses.find((w) => w.name === guard.name)?.reached;
    return { code: p.code, violated: v !== undefined, message: v?.message ?? null, trace: v?.trace ?? [], vacuous };
  });
  const neverSucceeded = Object.keys(coverage).filter((op) => (coverage[op]?.['ok'] ?? 0) === 0);
  const neverEnabled = [...b.ops].filter((op) => coverage[op] === undefined);
  return { result, coverage, neverSucceeded, neverEnabled, witnesses, properties };
}

export { formatResult };

/** The lexicographically least encoding over the topology's symmetries: one representative per orbit. */
function canonicalEncoder(topo: ExploreBounds['topology']): (w: World, out: Int32Array) => number {
  const perms = symmetries(topo).slice(1);
  const scratch = new Int32Array(8192);
  return (w, out) => {
    let len = encodeWorld(w, out);
    for (const p of perms) {
      const n = encodeWorld(permuteWorld(w, p), scratch);
      let cmp = n - len;
      for (let i = 0; cmp === 0 && i < n; i++) cmp = (scratch[i] as number) - (out[i] as number);
      if (cmp < 0) {
        out.set(scratch.subarray(0, n));
        len = n;
      }
    }
    return len;
  };
}
