// Runs a threaded schedule through the threaded model with one property's monitor. Generated schedules are
// commands (start a template's ioctl, advance the pick-th enabled thread) resolved against the current state;
// saved traces are plain actions whose lanes are inferred (see inferCommand). Disabled commands are skipped.
import type { Action } from '../../model/actions.ts';
import type { ModelEvent } from '../../model/events.ts';
import type { OpResult } from '../../model/result.ts';
import type { World } from '../../model/state.ts';
import {
  initialThreadedWorld,
  type LaneInfo,
  type ThreadCommand,
  type ThreadedWorld,
} from '../../model/threads/ThreadedWorld.ts';
import { enabledLanes, sameAction, type ThreadStepOutcome, threadStep } from '../../model/threads/threadStep.ts';
import type { Property, RunContext, StepInfo } from '../../properties/Property.ts';
import { modelErrorMessage } from '../modelError.ts';
import { resolve } from '../resolve.ts';
import type { StepRecord, TraceRun } from '../runTrace.ts';
import type { Template } from '../template.ts';

/** A generated scheduler command: start a template's ioctl on a free lane, or advance an enabled thread. */
export type ScheduleItem =
  | { readonly kind: 'start'; readonly template: Template; readonly run: RunLength }
  | { readonly kind: 'advance'; readonly pick: number; readonly run: RunLength };

/** How many atomic steps a command runs on its thread: null runs it to completion (or until it blocks), so a
 * schedule names only its preemption points (context bounding); N runs N steps and leaves it in flight. */
export type RunLength = number | null;

/** A StepInfo of a threaded run: the step's lane rides along as `thread`, the threaded world as `threaded`. */
export type ThreadStepInfo = StepInfo & { readonly thread: LaneInfo; readonly threaded: ThreadedWorld };

export interface ThreadedTraceRun extends TraceRun {
  /** Per executed step, its lane (parallel to `records` and `actions`). */
  readonly lanes: readonly LaneInfo[];
  /** The threaded world after the last executed step. */
  readonly final: ThreadedWorld;
}

/**
 * A saved trace names each step by its action only. Two in-flight ioctls never have equal actions (threadStep
 * refuses such a start), so an action equal to an in-flight one advances that thread; any other starts one.
 */
export function inferCommand(tw: ThreadedWorld, action: Action): ThreadCommand {
  const lane = tw.threads.findIndex((t) => t !== undefined && sameAction(t.action, action));
  return lane >= 0 ? { kind: 'advance', lane } : { kind: 'start', action };
}

type Source =
  | { readonly kind: 'schedule'; readonly items: readonly ScheduleItem[] }
  | { readonly kind: 'actions'; readonly items: readonly Action[] };

function commandFor(tw: ThreadedWorld, item: ScheduleItem, ctx: RunContext): ThreadCommand | null {
  if (item.kind === 'start') return { kind: 'start', action: resolve(tw.world, item.template, ctx.topo) };
  const lanes = enabledLanes(tw, ctx.sem, ctx.topo);
  const lane = lanes[item.pick % Math.max(1, lanes.length)];
  return lane === undefined ? null : { kind: 'advance', lane };
}

/** The result recorded for a saved step that can no longer run (replay reports it as a divergence). */
const notEnabled = (a: Action): OpResult => ({ kind: 'unmodelled', reason: `not enabled: ${a.kind}` });

export function runThreaded(prop: Property, ctx: RunContext, source: Source, record: boolean): ThreadedTraceRun {
  const monitor = prop.check.kind === 'monitor' ? prop.check.create(ctx) : null;
  let tw = initialThreadedWorld(ctx.topo);
  const records: StepRecord[] = [];
  const actions: Action[] = [];
  const lanes: LaneInfo[] = [];
  let executed = 0;
  const finish = (violation: TraceRun['violation']): ThreadedTraceRun => ({
    violation,
    stepsExecuted: executed,
    records,
    actions,
    lanes,
    final: tw,
  });
  const push = (a: Action, result: OpResult, events: readonly ModelEvent[], after: World, lane: LaneInfo) => {
    if (record) records.push({ index: executed, action: a, result, events, after });
    actions.push(a);
    lanes.push(lane);
    executed++;
  };
  /** Records one executed step and feeds it to the monitor; returns the violation message, if any. */
  const apply = (out: ThreadStepOutcome): string | null => {
    const before = tw.world;
    tw = out.tw;
    const lane: LaneInfo = {
      lane: out.lane,
      started: out.started,
      finished: out.finished,
      label: out.label,
      threadEvents: out.threadEvents,
    };
    push(out.action, out.result, out.events, tw.world, lane);
    if (monitor === null) return null;
    const info: ThreadStepInfo = {
      index: executed - 1,
      before,
      action: out.action,
      result: out.result,
      after: tw.world,
      events: out.events,
      thread: lane,
      threaded: tw,
    };
    return monitor.step(info);
  };
  // The ioctl of the step being taken: when the model throws, it ends the trace as a model error, so that
  // replaying the counterexample throws again (modelError.ts).
  let pending: Action | null = null;
  try {
    return walk();
  } catch (e) {
    if (pending !== null && actions.length === executed) {
      push(pending, { kind: 'unmodelled', reason: 'model error' }, [], tw.world, {
        lane: -1,
        started: false,
        finished: false,
        label: 'model error',
        threadEvents: [],
      });
    }
    return finish({ step: Math.max(0, executed - 1), message: modelErrorMessage(e) });
  }

  function walk(): ThreadedTraceRun {
    for (const item of source.items) {
      if (source.kind === 'actions') {
        const a = item as Action;
        pending = a;
        const out = threadStep(tw, inferCommand(tw, a), ctx.sem, ctx.topo);
        if (out === null) {
          // Keep the step so that the replay names it, with the world unchanged.
          push(a, notEnabled(a), [], tw.world, {
            lane: -1,
            started: false,
            finished: false,
            label: 'not enabled',
            threadEvents: [],
          });
          continue;
        }
        const msg = apply(out);
        if (msg !== null) return finish({ step: executed - 1, message: msg });
        continue;
      }
      const s = item as ScheduleItem;
      pending = null;
      let cmd = commandFor(tw, s, ctx);
      for (let budget = s.run ?? Number.POSITIVE_INFINITY; cmd !== null && budget > 0; budget--) {
        pending = cmd.kind === 'start' ? cmd.action : (tw.threads[cmd.lane]?.action ?? null);
        const out = threadStep(tw, cmd, ctx.sem, ctx.topo);
        if (out === null) break;
        const msg = apply(out);
        if (msg !== null) return finish({ step: executed - 1, message: msg });
        cmd = out.finished ? null : { kind: 'advance', lane: out.lane };
      }
    }
    pending = null;
    if (monitor !== null) {
      const msg = monitor.end(tw.world);
      return finish(msg === null ? null : { step: executed, message: msg });
    }
    return finish(null);
  }
}
