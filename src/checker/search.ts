// Random search with fast-check for one property on one profile: generate template sequences, run them,
// shrink the first failure, and re-run the shrunk sequence to record the counterexample trace.
import type { Semantics } from '../model/semantics.ts';
import type { Topology } from '../model/topology.ts';
import type { Property } from '../properties/Property.ts';
import { runTrace, type TraceRun } from './runTrace.ts';
import { searchLoop } from './searchLoop.ts';
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
  return searchLoop(prop, sem, opts, clock, {
    arb: templatesArb(prop.scope, opts.maxSteps),
    run: (ctx, templates: readonly Template[], record) =>
      runTrace(prop, ctx, { kind: 'templates', items: templates }, record),
    noun: 'counterexample',
  });
}
