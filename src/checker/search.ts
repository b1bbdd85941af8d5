// Random search with fast-check for one property on one profile: generate template sequences, run them,
// shrink the first failure, and re-run the shrunk sequence to record the counterexample trace.
import fc from 'fast-check';
import type { Semantics } from '../model/semantics.ts';
import type { Topology } from '../model/topology.ts';
import type { Property } from '../properties/Property.ts';
import { runTrace, type TraceRun } from './runTrace.ts';
import { topologyFor } from './scope.ts';
import { deriveSeed } from './seed.ts';
import { type Template, templatesArb } from './template.ts';
import { searchThreaded } from './threads/searchThreaded.ts';

export interface SearchOptions {
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed: number;
}

export interface FoundViolation {
  readonly seed: number;
  readonly path: string;
  readonly numShrinks: number;
  readonly run: TraceRun;
  readonly topology: Topology;
}

export type SearchOutcome = {
  readonly property: Property;
  readonly semantics: Semantics;
  readonly runs: number;
  /** Model steps executed while searching (shrinking not included). */
  readonly steps: number;
  readonly elapsedMs: number;
} & ({ readonly verdict: 'holds' } | { readonly verdict: 'violated'; readonly found: FoundViolation });

export function search(
  prop: Property,
  sem: Semantics,
  opts: SearchOptions,
  clock: () => number = Date.now,
): SearchOutcome {
  if (prop.scope === 'threaded') return searchThreaded(prop, sem, opts, clock);
  const topology = topologyFor(prop.scope);
  const ctx = { sem, topo: topology };
  const seed = deriveSeed(opts.seed, prop.code, sem.name);
  let steps = 0;
  let shrinking = false;
  const started = clock();
  const details = fc.check(
    fc.property(templatesArb(prop.scope, opts.maxSteps), (templates: readonly Template[]) => {
      const r = runTrace(prop, ctx, { kind: 'templates', items: templates }, false);
      if (!shrinking) steps += r.stepsExecuted;
      if (r.violation !== null) shrinking = true;
      return r.violation === null;
    }),
    { seed, numRuns: opts.runs },
  );
  const elapsedMs = clock() - started;
  const base = { property: prop, semantics: sem, runs: details.numRuns, steps, elapsedMs };
  if (!details.failed || details.counterexample === null) return { ...base, verdict: 'holds' };
  const [templates] = details.counterexample;
  const run = runTrace(prop, ctx, { kind: 'templates', items: templates }, true);
  if (run.violation === null) throw new Error(`model bug: shrunk counterexample for ${prop.code} does not fail again`);
  return {
    ...base,
    verdict: 'violated',
    found: { seed, path: details.counterexamplePath ?? '', numShrinks: details.numShrinks, run, topology },
  };
}
