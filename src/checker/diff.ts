// Design comparison: breadth-first over pairs of worlds (profile A, profile B) driven by the same actions, the
// shortest action sequence for each distinct divergence (the op and result pair that first differs).
import type { Action } from '../model/actions.ts';
import { formatResult } from '../model/result.ts';
import type { Semantics } from '../model/semantics.ts';
import { initialWorld, type World } from '../model/state.ts';
import { step } from '../model/step.ts';
import { actionSpace } from './iommufdExplore/actionSpace.ts';
import type { ExploreBounds } from './iommufdExplore/bounds.ts';
import { encodeWorld } from './iommufdExplore/encodeWorld.ts';
import { enabledIn } from './iommufdExplore/exploreIommufd.ts';

export interface Divergence {
  /** `op: resultA vs resultB`, the class the divergence belongs to. */
  readonly key: string;
  readonly trace: readonly Action[];
  readonly resultsA: readonly string[];
  readonly resultsB: readonly string[];
}

export interface DiffResult {
  readonly divergences: readonly Divergence[];
  readonly pairs: number;
  readonly depth: number;
  readonly exhausted: boolean;
}

interface Node {
  readonly a: World;
  readonly b: World;
  readonly parent: number;
  readonly action: Action | null;
  readonly ra: string;
  readonly rb: string;
}

export function diffProfiles(
  semA: Semantics,
  semB: Semantics,
  bounds: ExploreBounds,
  maxSteps: number,
  maxPairs = 300_000,
): DiffResult {
  const topo = bounds.topology;
  const all = actionSpace(bounds);
  const buf = new Int32Array(8192);
  const key = (a: World, b: World) => {
    const n = encodeWorld(a, buf);
    const x = Array.from(buf.subarray(0, n)).join(',');
    const m = encodeWorld(b, buf);
    return `${x}|${Array.from(buf.subarray(0, m)).join(',')}`;
  };
  const nodes: Node[] = [{ a: initialWorld(topo), b: initialWorld(topo), parent: -1, action: null, ra: '', rb: '' }];
  const seen = new Set<string>([key(nodes[0]?.a as World, nodes[0]?.b as World)]);
  const found = new Map<string, Divergence>();
  let level = [0];
  let depth = 0;
  const traceOf = (i: number) => {
    const path: Node[] = [];
    for (let k = i; k > 0; k = (nodes[k] as Node).parent) path.unshift(nodes[k] as Node);
    return path;
  };
  while (level.length > 0 && depth < maxSteps && nodes.length < maxPairs) {
    const next: number[] = [];
    for (const i of level) {
      const n = nodes[i] as Node;
      for (const act of enabledIn(n.a, all)) {
        const oa = step(n.a, act, semA, topo);
        const ob = step(n.b, act, semB, topo);
        const ra = formatResult(oa.result);
        const rb = formatResult(ob.result);
        if (ra !== rb) {
          // Group by result kind (ok / errno name), so that fd numbers and ids do not split one divergence.
          const kindOf = (r: typeof oa.result) => (r.kind === 'errno' ? r.errno : r.kind);
          const ka = kindOf(oa.result);
          const kb = kindOf(ob.result);
          const k = ka === kb ? `${act.kind}: ${ka} with different values` : `${act.kind}: ${ka} vs ${kb}`;
          if (!found.has(k)) {
            const path = [...traceOf(i), { a: oa.world, b: ob.world, parent: i, action: act, ra, rb }];
            found.set(k, {
              key: k,
              trace: path.map((p) => p.action as Action),
              resultsA: path.map((p) => p.ra),
              resultsB: path.map((p) => p.rb),
            });
          }
          continue;
        }
        if (oa.world === n.a && ob.world === n.b) continue;
        const id = key(oa.world, ob.world);
        if (seen.has(id)) continue;
        seen.add(id);
        nodes.push({ a: oa.world, b: ob.world, parent: i, action: act, ra, rb });
        next.push(nodes.length - 1);
      }
    }
    level = next;
    if (next.length > 0) depth++;
  }
  const divergences = [...found.values()].sort((x, y) => x.trace.length - y.trace.length || x.key.localeCompare(y.key));
  return { divergences, pairs: nodes.length, depth, exhausted: level.length === 0 };
}
