// The random search for properties of the threaded model: like search.ts, over schedules instead of
// template sequences; the shrunk schedule is re-run with recording to give the counterexample trace.
import type { Semantics } from '../../model/semantics.ts';
import type { Property } from '../../properties/Property.ts';
import type { SearchOptions, SearchOutcome } from '../search.ts';
import { searchLoop } from '../searchLoop.ts';
import { runThreaded, type ScheduleItem } from './runThreaded.ts';
import { scheduleArb } from './scheduleArb.ts';

export function searchThreaded(
  prop: Property,
  sem: Semantics,
  opts: SearchOptions,
  clock: () => number = Date.now,
): SearchOutcome {
  return searchLoop(prop, sem, opts, clock, {
    arb: scheduleArb(opts.maxSteps),
    run: (ctx, items: readonly ScheduleItem[], record) => runThreaded(prop, ctx, { kind: 'schedule', items }, record),
    noun: 'schedule',
  });
}
