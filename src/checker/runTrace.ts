// Runs one sequence through the model with one property's check. Templates are resolved step by step (search);
// actions are replayed as they are (saved counterexamples, scenarios). Recording is optional: the search only
// records when it re-runs a failing sequence.

import type { Action } from '../model/actions.ts';
import type { ModelEvent } from '../model/events.ts';
import type { OpResult } from '../model/result.ts';
import { initialWorld, type World } from '../model/state.ts';
import { step } from '../model/step.ts';
import type { Property, RunContext } from '../properties/Property.ts';
import { modelErrorMessage } from './modelError.ts';
import { resolve } from './resolve.ts';
import { resolveQemu } from './resolveQemu.ts';
import type { Template } from './template.ts';
import { runThreaded } from './threads/runThreaded.ts';

export interface StepRecord {
  readonly index: number;
  readonly action: Action;
  readonly result: OpResult;
  readonly events: readonly ModelEvent[];
  readonly after: World;
}

export interface Violation {
  /** Index of the step at which the property failed; `steps` when it failed at the end of the trace. */
  readonly step: number;
  readonly message: string;
}

export interface TraceRun {
  readonly violation: Violation | null;
  readonly stepsExecuted: number;
  readonly records: readonly StepRecord[];
  readonly actions: readonly Action[];
}

type Source =
  | { readonly kind: 'templates'; readonly items: readonly Template[] }
  | { readonly kind: 'actions'; readonly items: readonly Action[] };

export function runTrace(prop: Property, ctx: RunContext, source: Source, record: boolean): TraceRun {
  // Threaded properties search schedules (checker/threads/searchThreaded.ts); saved traces replay here.
  if (prop.scope === 'threaded' && source.kind === 'actions') return runThreaded(prop, ctx, source, record);
  const monitor = prop.check.kind === 'monitor' ? prop.check.create(ctx) : null;
  let w = initialWorld(ctx.topo);
  const records: StepRecord[] = [];
  const actions: Action[] = [];
  const n = source.items.length;
  let i = 0;
  let current: Action | null = null;
  try {
    for (; i < n; i++) {
      const item = source.items[i];
      if (item === undefined) break;
      current = null;
      const action =
        source.kind === 'actions'
          ? (item as Action)
          : prop.scope === 'qemu-shaped'
            ? resolveQemu(w, item as Template, ctx.topo, actions)
            : resolve(w, item as Template, ctx.topo);
      current = action;
      const out = step(w, action, ctx.sem, ctx.topo);
      actions.push(action);
      if (record) records.push({ index: i, action, result: out.result, events: out.events, after: out.world });
      if (monitor !== null) {
        const msg = monitor.step({
          index: i,
          before: w,
          action,
          result: out.result,
          after: out.world,
          events: out.events,
        });
        if (msg !== null) return { violation: { step: i, message: msg }, stepsExecuted: i + 1, records, actions };
      }
      w = out.world;
    }
    current = null;
    if (monitor !== null) {
      const msg = monitor.end(w);
      return { violation: msg === null ? null : { step: n, message: msg }, stepsExecuted: n, records, actions };
    }
    const two = prop.check.kind === 'two-run' ? prop.check.check(actions, ctx) : null;
    return { violation: two, stepsExecuted: n, records, actions };
  } catch (e) {
    // A model error is a result (modelError.ts): the step that threw is part of the counterexample, so that
    // replaying it throws again.
    if (current !== null && actions.length === i) actions.push(current);
    return {
      violation: { step: i, message: modelErrorMessage(e) },
      stepsExecuted: Math.min(i + 1, n),
      records,
      actions,
    };
  }
}
