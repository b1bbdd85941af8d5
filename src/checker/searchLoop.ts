// The fast-check loop both searches share: run generated inputs through one property's monitor, count the
// model steps of the search (not of shrinking), shrink the first failure and re-run it with recording.
import fc from 'fast-check';
import type { Semantics } from '../model/semantics.ts';
import type { Property, RunContext } from '../properties/Property.ts';
import type { TraceRun } from './runTrace.ts';
import { topologyFor } from './scope.ts';
import type { SearchOptions, SearchOutcome } from './search.ts';
import { deriveSeed } from './seed.ts';

export interface SearchInput<T> {
  readonly arb: fc.Arbitrary<T>;
  readonly run: (ctx: RunContext, input: T, record: boolean) => TraceRun;
  /** What the shrunk input is called in the "does not fail again" model-bug message. */
  readonly noun: string;
}

export function searchLoop<T>(
  prop: Property,
  sem: Semantics,
  opts: SearchOptions,
  clock: () => number,
  input: SearchInput<T>,
): SearchOutcome {
  const topology = topologyFor(prop.scope);
  const ctx = { sem, topo: topology };
  const seed = deriveSeed(opts.seed, prop.code, sem.name);
  let steps = 0;
  let shrinking = false;
  const started = clock();
  const details = fc.check(
    fc.property(input.arb, (x: T) => {
      const r = input.run(ctx, x, false);
      if (!shrinking) steps += r.stepsExecuted;
      if (r.violation !== null) shrinking = true;
      return r.violation === null;
    }),
    { seed, numRuns: opts.runs },
  );
  const elapsedMs = clock() - started;
  const base = { property: prop, semantics: sem, runs: details.numRuns, steps, elapsedMs };
  if (!details.failed || details.counterexample === null) return { ...base, verdict: 'holds' };
  const [shrunk] = details.counterexample;
  const run = input.run(ctx, shrunk, true);
  if (run.violation === null) throw new Error(`model bug: shrunk ${input.noun} for ${prop.code} does not fail again`);
  return {
    ...base,
    verdict: 'violated',
    found: { seed, path: details.counterexamplePath ?? '', numShrinks: details.numShrinks, run, topology },
  };
}
