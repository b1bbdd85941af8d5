// The generic explorer on random finite graphs, against a brute-force BFS: it finds every reachable state once,
// its traces are shortest, its bounds are exact, and the same input gives the same result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExplorableModel, Invariant } from '../../../src/checker/explore/ExplorableModel.ts';
import { type ExploreResult, explore } from '../../../src/checker/explore/explore.ts';

/** State s has actions 0..edges[s].length - 1; action a leads to edges[s][a] (itself, for a self-loop). */
interface Graph {
  readonly edges: readonly (readonly number[])[];
  readonly bad: number;
}

const graphArb: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 40 }).chain((size) =>
  fc.record({
    edges: fc.array(fc.array(fc.nat(size - 1), { maxLength: 4 }), { minLength: size, maxLength: size }),
    bad: fc.nat(size - 1),
  }),
);

function* indices(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Half the time the actions come as a generator, to cover a model that does not return an array. */
function graphModel(g: Graph, lazy = false): ExplorableModel<number, number> {
  const out = (s: number): readonly number[] => g.edges[s] ?? [];
  return {
    maxEncodedLength: 1,
    initial: () => 0,
    actions: (s) => (lazy ? indices(out(s).length) : out(s).map((_, i) => i)),
    step: (s, a) => out(s)[a] ?? s,
    encode: (s, buf) => {
      buf[0] = s;
      return 1;
    },
  };
}

const notBad = (g: Graph): Invariant<number> => ({
  name: 'not-bad',
  check: (s) => (s === g.bad ? `reached ${s}` : null),
});

/** Distances from state 0, by the textbook BFS. */
function distances(g: Graph): Map<number, number> {
  const dist = new Map([[0, 0]]);
  const queue = [0];
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q] as number;
    for (const t of g.edges[s] ?? [])
      if (!dist.has(t)) {
        dist.set(t, (dist.get(s) as number) + 1);
        queue.push(t);
      }
  }
  return dist;
}

const counts = (r: ExploreResult<number>) => {
  const { elapsedMs: _e, statesPerSec: _r, ...rest } = r;
  return rest;
};

describe('explore', () => {
  it('stores every reachable state once and expands each', () => {
    fc.assert(
      fc.property(graphArb, fc.boolean(), (g, lazy) => {
        const dist = distances(g);
        const r = explore(graphModel(g, lazy));
        expect(r.states).toBe(dist.size);
        expect(r.depth).toBe(Math.max(...dist.values()));
        expect(r.exhausted).toBe(true);
        expect(r.transitions).toBe([...dist.keys()].reduce((n, s) => n + (g.edges[s]?.length ?? 0), 0));
      }),
      { seed: 1 },
    );
  });

  it('returns a shortest trace to a violation, which replays to a violating state', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const dist = distances(g).get(g.bad);
        const { violations } = explore(graphModel(g), { invariants: [notBad(g)] });
        if (dist === undefined) {
          expect(violations).toEqual([]);
          return;
        }
        const [v] = violations;
        expect(v?.trace.length).toBe(dist);
        const end = (v?.trace ?? []).reduce((s, a) => g.edges[s]?.[a] ?? s, 0);
        expect(end).toBe(g.bad);
      }),
      { seed: 2 },
    );
  });

  it('gives the same counts with whole states stored as with fingerprints', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const full = explore(graphModel(g), { fullStates: true, invariants: [notBad(g)] });
        const fp = explore(graphModel(g), { invariants: [notBad(g)] });
        expect({ ...counts(fp), bytesPerState: 0, collisionProbability: 0 }).toEqual({
          ...counts(full),
          bytesPerState: 0,
        });
      }),
      { seed: 3 },
    );
  });

  it('stops exactly at maxDepth and at maxStates', () => {
    fc.assert(
      fc.property(graphArb, fc.nat(12), fc.integer({ min: 1, max: 45 }), (g, d, m) => {
        const dist = distances(g);
        const deepest = Math.max(...dist.values());
        const byDepth = explore(graphModel(g), { maxDepth: d });
        expect(byDepth.states).toBe([...dist.values()].filter((x) => x <= d).length);
        expect(byDepth.depth).toBe(Math.min(d, deepest));
        // Exhausted only when the last level was expanded too.
        expect(byDepth.exhausted).toBe(deepest < d);
        const byCount = explore(graphModel(g), { maxStates: m });
        expect(byCount.states).toBe(Math.min(m, dist.size));
        expect(byCount.exhausted).toBe(dist.size < m);
      }),
      { seed: 4 },
    );
  });

  it('is deterministic: same model and bounds, same counts and traces', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const run = () => counts(explore(graphModel(g), { invariants: [notBad(g)], maxStates: 30 }));
        expect(run()).toEqual(run());
      }),
      { seed: 5 },
    );
  });

  it('reports violations in invariant order, one each, including one at the initial state', () => {
    const g: Graph = { edges: [[1], [2], [2]], bad: 2 };
    const always: Invariant<number> = { name: 'never', check: () => 'violated everywhere' };
    const r = explore(graphModel(g), { invariants: [notBad(g), always] });
    expect(r.violations).toEqual([
      { invariant: 'not-bad', message: 'reached 2', trace: [0, 0] },
      { invariant: 'never', message: 'violated everywhere', trace: [] },
    ]);
  });

  it('refuses an encoding longer than the model declared', () => {
    const model = { ...graphModel({ edges: [[0]], bad: 0 }), encode: () => 2 };
    expect(() => explore(model)).toThrow(/maxEncodedLength/);
  });

  it('refuses a trace that does not replay (an impure model)', () => {
    let calls = 0;
    // The second step ever taken jumps further than any later one: replay cannot reach the same state.
    const model = {
      ...graphModel({ edges: [[0]], bad: 0 }),
      actions: () => [0],
      step: (s: number) => s + (++calls === 2 ? 11 : 1),
    };
    const twelve: Invariant<number> = { name: 'not-12', check: (s) => (s === 12 ? 'twelve' : null) };
    expect(() => explore(model, { invariants: [twelve], maxDepth: 3 })).toThrow(/model bug/);
  });
});
