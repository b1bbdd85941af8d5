// The input the trace renderers share: what was done, what the model answered, on which machine, and where the
// property failed. A saved counterexample becomes one with traceOf(); tests build them straight from the model.
import type { LoadedCounterexample } from '../../checker/loadCounterexample.ts';
import type { Violation } from '../../checker/runTrace.ts';
import type { Action } from '../../model/actions.ts';
import type { OpResult } from '../../model/result.ts';
import type { Topology } from '../../model/topology.ts';

export interface Trace {
  readonly topology: Topology;
  readonly actions: readonly Action[];
  /** results[i] is the model's answer to actions[i]. */
  readonly results: readonly OpResult[];
  /** Where the property failed (`step === actions.length`: after the last step), or null for a plain run. */
  readonly violation: Violation | null;
  /** The semantics profile the results are for, e.g. `v6.3`. */
  readonly semantics: string;
  /** One line naming the trace, for headers and comments. */
  readonly title: string;
}

export function traceOf(cx: LoadedCounterexample): Trace {
  return {
    topology: cx.topology,
    actions: cx.actions,
    results: cx.results,
    violation: cx.file.violation,
    semantics: cx.semantics.name,
    title: `${cx.property.code} violated on ${cx.semantics.name}: ${cx.file.title}`,
  };
}
