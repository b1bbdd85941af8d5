// A saved counterexample as an ITF trace: state 0 is the initial world, state i+1 the world after step i, with
// that step in `mbt::actionTaken` + `mbt::nondetPicks` and the model's answer in `result`.
import type { Decoded } from '../../checker/actionCodec.ts';
import { topologyJson } from '../../checker/counterexample.ts';
import type { LoadedCounterexample } from '../../checker/loadCounterexample.ts';
import { initialWorld } from '../../model/state.ts';
import { snapshot } from '../snapshot.ts';
import { actionPicks } from './itfAction.ts';
import { INIT_RESULT, resultVar } from './itfResult.ts';
import { itfStateVars, STATE_VARS } from './itfState.ts';
import {
  ACTION_TAKEN,
  INIT_ACTION,
  ITF_FORMAT_DESCRIPTION,
  type ItfState,
  type ItfTrace,
  META_KEY,
  NONDET_PICKS,
} from './itfTrace.ts';
import { traceOf } from './Trace.ts';

/** `source` is what the trace was rendered from (a file path), for the reader. */
export function renderItf(cx: LoadedCounterexample, source: string): Decoded<ItfTrace> {
  const initial = itfStateVars(snapshot(initialWorld(cx.topology), cx.topology), 'initial state');
  if (!initial.ok) return initial;
  const states: ItfState[] = [
    { '#meta': { index: 0 }, [ACTION_TAKEN]: INIT_ACTION, [NONDET_PICKS]: {}, ...initial.value, result: INIT_RESULT },
  ];
  for (const [i, a] of cx.actions.entries()) {
    const vars = itfStateVars(cx.file.steps[i]?.state ?? null, `steps[${i}].state`);
    if (!vars.ok) return vars;
    const result = cx.results[i];
    // loadCounterexample decodes one result per action, so a missing one is a loader bug.
    if (result === undefined) throw new Error(`cannot happen: step ${i} has no result`);
    states.push({
      '#meta': { index: i + 1 },
      [ACTION_TAKEN]: a.kind,
      [NONDET_PICKS]: actionPicks(a, cx.topology),
      ...vars.value,
      result: resultVar(result),
    });
  }
  return {
    ok: true,
    value: {
      '#meta': {
        format: 'ITF',
        'format-description': ITF_FORMAT_DESCRIPTION,
        source,
        description: traceOf(cx).title,
        [META_KEY]: {
          property: cx.property.code,
          semantics: cx.semantics.name,
          violation: cx.file.violation,
          topology: topologyJson(cx.topology),
        },
      },
      vars: [...STATE_VARS, 'result', ACTION_TAKEN, NONDET_PICKS],
      states,
    },
  };
}
