// Coverage of the random search: how often each op returned each result (ok, an errno, not modelled) over the
// sequences the search generates for a scope, the same table `ioas-check explore` reports for the explorer.
import fc from 'fast-check';
import type { Action } from '../model/actions.ts';
import type { Semantics } from '../model/semantics.ts';
import { initialWorld } from '../model/state.ts';
import { step } from '../model/step.ts';
import type { Scope } from '../properties/Property.ts';
import { resolve } from './resolve.ts';
import { resolveQemu } from './resolveQemu.ts';
import { topologyFor } from './scope.ts';
import type { SearchOptions } from './search.ts';
import { templatesArb } from './template.ts';

export type Coverage = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Runs `opts.runs` generated sequences of the scope (seeded like a search) and counts op x result. */
export function randomCoverage(sem: Semantics, scope: Exclude<Scope, 'threaded'>, opts: SearchOptions): Coverage {
  const topo = topologyFor(scope);
  const out: Record<string, Record<string, number>> = {};
  for (const templates of fc.sample(templatesArb(scope, opts.maxSteps), { numRuns: opts.runs, seed: opts.seed })) {
    let w = initialWorld(topo);
    const history: Action[] = [];
    for (const t of templates) {
      const a = scope === 'qemu-shaped' ? resolveQemu(w, t, topo, history) : resolve(w, t, topo);
      const r = step(w, a, sem, topo);
      const key = r.result.kind === 'errno' ? r.result.errno : r.result.kind;
      const row = out[a.kind] ?? {};
      row[key] = (row[key] ?? 0) + 1;
      out[a.kind] = row;
      history.push(a);
      w = r.world;
    }
  }
  return out;
}
