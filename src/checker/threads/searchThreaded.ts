// The random search for properties of the threaded model: like search.ts, over schedules instead of
// template sequences; the shrunk schedule is re-run with recording to give the counterexample trace.
import fc from 'fast-check';
import type { Semantics } from '../../model/semantics.ts';
import type { Property } from '../../properties/Property.ts';
import { topologyFor } from '../scope.ts';
import type { SearchOptions, SearchOutcome } from '../search.ts';
import { deriveSeed } from '../seed.ts';
import { runThreaded, type ScheduleItem } from './runThreaded.ts';
import { scheduleArb } from './scheduleArb.ts';

export function searchThreaded(
  prop: Property,
  sem: Semantics,
  opts: SearchOptions,
  clock: () => number = Date.now,
): SearchOutcome {
  const topology = topologyFor(prop.scope);
  const ctx = { sem, topo: topology };
  const seed = deriveSeed(opts.seed, prop.code, sem.name);
  let steps = 0;
  let shrinking = false;
  const started = clock();
  const details = fc.check(
    fc.property(scheduleArb(opts.maxSteps), (items: readonly ScheduleItem[]) => {
      const r = runThreaded(prop, ctx, { kind: 'schedule', items }, false);
      if (!shrinking) steps += r.stepsExecuted;
      if (r.violation !== null) shrinking = true;
      return r.violation === null;
    }),
    { seed, numRuns: opts.runs },
  );
  const elapsedMs = clock() - started;
  const base = { property: prop, semantics: sem, runs: details.numRuns, steps, elapsedMs };
  if (!details.failed || details.counterexample === null) return { ...base, verdict: 'holds' };
  const [items] = details.counterexample;
  const run = runThreaded(prop, ctx, { kind: 'schedule', items }, true);
  if (run.violation === null) throw new Error(`model bug: shrunk schedule for ${prop.code} does not fail again`);
  return {
    ...base,
    verdict: 'violated',
    found: { seed, path: details.counterexamplePath ?? '', numShrinks: details.numShrinks, run, topology },
  };
}
