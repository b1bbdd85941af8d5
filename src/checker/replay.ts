// Replays a saved counterexample: the same results step by step, and the same violation at the same step.
import { formatResult } from '../model/result.ts';
import type { JsonValue } from './actionCodec.ts';
import { stepJson } from './counterexample.ts';
import type { LoadedCounterexample } from './loadCounterexample.ts';
import { runTrace, type Violation } from './runTrace.ts';

export type ReplayOutcome =
  | { readonly kind: 'reproduced'; readonly violation: Violation }
  | {
      readonly kind: 'diverged';
      readonly step: number;
      readonly expected: string;
      readonly got: string;
      readonly state: JsonValue;
    }
  | { readonly kind: 'violation-differs'; readonly expected: Violation; readonly got: Violation | null };

export function replayCounterexample(cx: LoadedCounterexample): ReplayOutcome {
  const ctx = { sem: cx.semantics, topo: cx.topology };
  const run = runTrace(cx.property, ctx, { kind: 'actions', items: cx.actions }, true);
  for (const r of run.records) {
    const want = cx.results[r.index];
    if (want !== undefined && formatResult(want) !== formatResult(r.result)) {
      return {
        kind: 'diverged',
        step: r.index,
        expected: formatResult(want),
        got: formatResult(r.result),
        state: stepJson(r, cx.topology).state,
      };
    }
  }
  const expected = cx.file.violation;
  const got = run.violation;
  if (got === null || got.step !== expected.step || got.message !== expected.message)
    return { kind: 'violation-differs', expected, got };
  return { kind: 'reproduced', violation: got };
}
