// Thread lanes in saved counterexamples: adds `"thread": N` (and what the step did) to each step's action
// JSON. Replay does not need it (lanes are inferred from the actions, see inferCommand), but a reader does.
import type { Counterexample } from '../counterexample.ts';
import type { TraceRun } from '../runTrace.ts';
import type { ThreadedTraceRun } from './runThreaded.ts';

export const isThreadedRun = (r: TraceRun): r is ThreadedTraceRun => 'lanes' in r;

/** The counterexample with each step's lane; a run that is not threaded gives it back unchanged. */
export function withLanes(cx: Counterexample, run: TraceRun): Counterexample {
  if (!isThreadedRun(run)) return cx;
  return {
    ...cx,
    steps: cx.steps.map((s, i) => {
      const lane = run.lanes[i];
      return lane === undefined ? s : { ...s, action: { ...s.action, thread: lane.lane, step: lane.label } };
    }),
  };
}
