// The threaded reducer: threadStep(tw, command) starts an ioctl on the lowest idle lane or runs the next atomic
// step of a thread. Pure. Ioctls without windows run atomically through the atomic model's step(); a command
// that cannot run now (a mutex is held, the thread waits, no lane is free) returns null: it is not enabled.
import type { Action } from '../actions.ts';
import type { ModelEvent } from '../events.ts';
import type { FileId } from '../ids.ts';
import { lookupFd } from '../kernel/files.ts';
import { deviceSpec } from '../kernel/vfioState.ts';
import { type OpResult, unmodelled } from '../result.ts';
import type { Semantics } from '../semantics.ts';
import { step } from '../step.ts';
import type { Topology } from '../topology.ts';
import {
  allocAdvance,
  allocStart,
  destroyAdvance,
  destroyEnabled,
  destroyStart,
  vfioIoasAdvance,
  vfioIoasStart,
} from './objectPrograms.ts';
import { openAdvance, openFirstStep, openStart, type Stepped } from './openProgram.ts';
import {
  type LockName,
  MAX_THREADS,
  type ThreadCommand,
  type ThreadEvent,
  type ThreadedWorld,
  type ThreadState,
} from './ThreadedWorld.ts';
import { doneWork, lockFree, newWork, readers, releaseLocks, type Work } from './work.ts';

export interface ThreadStepOutcome {
  readonly tw: ThreadedWorld;
  readonly lane: number;
  /** The ioctl this step belongs to. */
  readonly action: Action;
  readonly started: boolean;
  readonly finished: boolean;
  /** The ioctl's result when `finished`; otherwise a marker naming the lane and the step. */
  readonly result: OpResult;
  /** What this step did, e.g. "compat id 1 (reference dropped)". */
  readonly label: string;
  readonly events: readonly ModelEvent[];
  readonly threadEvents: readonly ThreadEvent[];
}

/** Two in-flight ioctls never have equal actions: a saved trace names a thread by its action (see lanes.ts). */
export const sameAction = (a: Action, b: Action): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The in-flight marker result of a step that did not finish its ioctl. */
export const inFlight = (lane: number, label: string): OpResult => unmodelled(`in flight on thread ${lane}: ${label}`);

export function threadStep(
  tw: ThreadedWorld,
  cmd: ThreadCommand,
  sem: Semantics,
  topo: Topology,
): ThreadStepOutcome | null {
  return cmd.kind === 'start' ? start(tw, cmd.action, sem, topo) : advance(tw, cmd.lane, sem, topo);
}

function outcome(w: Work, lane: number, action: Action, started: boolean, s: Stepped<ThreadState>): ThreadStepOutcome {
  // B4's observable: this step attached a device to an object another thread has not finalized.
  for (const e of w.tx.events) {
    if (e.kind !== 'device_attached') continue;
    const u = w.unfinalized.find((x) => x.ctx === e.ctx && x.id === e.pt && x.lane !== lane);
    if (u !== undefined) w.threadEvents.push({ kind: 'unfinalized_ref', lane, ctx: e.ctx, id: e.pt, owner: u.lane });
  }
  if (s.kind === 'continue') {
    w.threads[lane] = s.next;
  } else {
    w.threads[lane] = undefined;
    releaseLocks(w, lane);
  }
  return {
    tw: doneWork(w),
    lane,
    action,
    started,
    finished: s.kind === 'done',
    result: s.kind === 'done' ? s.result : inFlight(lane, s.label),
    label: s.label,
    events: w.tx.events,
    threadEvents: w.threadEvents,
  };
}

function start(tw: ThreadedWorld, action: Action, sem: Semantics, topo: Topology): ThreadStepOutcome | null {
  let lane = 0;
  while (lane < MAX_THREADS && tw.threads[lane] !== undefined) lane++;
  if (lane === MAX_THREADS) return null;
  if (tw.threads.some((t) => t !== undefined && sameAction(t.action, action))) return null;
  const w = newWork(tw, sem, topo);
  const entered = 'fd' in action ? lookupFd(w.tx, action.actor, action.fd)?.id : undefined;
  const base = { lane, file: (entered ?? -1) as FileId };
  const atomic = (locks: readonly LockName[], own: boolean): ThreadStepOutcome | null => {
    if (!locks.every((l) => lockFree(w, l))) return null;
    if (!own && foreignBlocked(tw, action, entered)) return null;
    const out = step(tw.world, action, sem, topo);
    if (unbindWaits(tw, out.events, lane, sem, topo)) return null;
    return {
      tw: { ...tw, world: out.world },
      lane,
      action,
      started: true,
      finished: true,
      result: out.result,
      label: 'atomic',
      events: out.events,
      threadEvents: [],
    };
  };
  switch (action.kind) {
    case 'VFIO_GROUP_GET_DEVICE_FD': {
      const s = openStart(w, action);
      if (s.kind === 'atomic') return atomic(s.locks, true);
      const g = deviceSpec(w.tx, action.device).group;
      if (!lockFree(w, `group_lock:${g}`) || !lockFree(w, `dev_set:${action.device}`)) return null;
      const t = lookupFd(w.tx, action.actor, action.fd);
      const c = t?.file.kind === 'group' ? w.tx.world.groups[t.file.group]?.iommufd : null;
      if (c === null || c === undefined) throw new Error('model bug: windowed open without an iommufd');
      const first = openFirstStep(w, lane, {
        ...base,
        action,
        prog: 'open',
        ctx: c,
        group: g,
        device: action.device,
        fault: action.fault,
      });
      return outcome(w, lane, action, true, first);
    }
    case 'IOMMU_IOAS_ALLOC': {
      const s = allocStart(w, action, base);
      return s === null ? atomic([], true) : outcome(w, lane, action, true, s);
    }
    case 'IOMMU_DESTROY': {
      const s = destroyStart(w, action, base);
      return s.kind === 'atomic' ? atomic([], true) : outcome(w, lane, action, true, s);
    }
    case 'IOMMU_VFIO_IOAS': {
      const s = vfioIoasStart(w, action, base);
      return s === null ? atomic([], true) : outcome(w, lane, action, true, s);
    }
    default:
      return atomic(locksFor(tw, action, sem, topo), false);
  }
}

function advance(tw: ThreadedWorld, lane: number, sem: Semantics, topo: Topology): ThreadStepOutcome | null {
  const t = tw.threads[lane];
  if (t === undefined) return null;
  const w = newWork(tw, sem, topo);
  switch (t.prog) {
    case 'open': {
      const out = outcome(w, lane, t.action, false, openAdvance(w, lane, t));
      return unbindWaits(tw, out.events, lane, sem, topo) ? null : out;
    }
    case 'ioas_alloc':
      return outcome(w, lane, t.action, false, allocAdvance(w, t));
    case 'destroy':
      return destroyEnabled(w, t) ? outcome(w, lane, t.action, false, destroyAdvance(w, t)) : null;
    case 'vfio_ioas':
      return outcome(w, lane, t.action, false, vfioIoasAdvance(w, t));
    default: {
      const never: never = t;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

/**
 * iommufd_object_destroy_user() as vfio's unbind runs it waits for short-term holders of the object:
 * down_write(&obj->destroy_rwsem) in v6.2-v6.6, iommufd_object_dec_wait_shortterm() (REMOVE_WAIT_SHORTTERM) from
 * v6.7. A step whose unbind (device close, or a failed first open) destroys an object that another thread holds
 * through iommufd_get_object() is therefore not enabled until that thread puts it. Only B5's users count
 * (iommufd_ref_to_users(), which holds no short-term reference) escapes the wait.
 */
function unbindWaits(pre: ThreadedWorld, events: readonly ModelEvent[], lane: number, sem: Semantics, topo: Topology) {
  for (const e of events) {
    if (e.kind !== 'device_unbound' || e.id === null) continue;
    const o = pre.world.ctxs[e.ctx]?.objects[e.id];
    if (o !== undefined && readers(newWork(pre, sem, topo), e.ctx, o.serial, lane) > 0) return true;
  }
  return false;
}

/** The thread on `lane` cannot take its next step now (it waits on a lock, a holder or a destroy). */
export const advanceBlocked = (tw: ThreadedWorld, lane: number, sem: Semantics, topo: Topology): boolean =>
  advance(tw, lane, sem, topo) === null;

/** Lanes whose next step can run now. */
export function enabledLanes(tw: ThreadedWorld, sem: Semantics, topo: Topology): readonly number[] {
  const out: number[] = [];
  tw.threads.forEach((t, lane) => {
    if (t === undefined) return;
    if (t.prog === 'destroy' && !destroyEnabled(newWork(tw, sem, topo), t)) return;
    out.push(lane);
  });
  return out;
}

/**
 * The vfio mutexes an atomic ioctl takes: group_lock for group fd ioctls, open and release; group_lock and
 * dev_set->lock for device opens and closes (vfio_df_group_open/close); dev_set->lock for the cdev ioctls.
 */
function locksFor(tw: ThreadedWorld, a: Action, sem: Semantics, topo: Topology): readonly LockName[] {
  const w = newWork(tw, sem, topo);
  if (a.kind === 'open_group') return [`group_lock:${a.group}`];
  if (!('fd' in a)) return [];
  const f = lookupFd(w.tx, a.actor, a.fd)?.file;
  if (f === undefined) return [];
  switch (a.kind) {
    case 'VFIO_GROUP_SET_CONTAINER':
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return f.kind === 'group' ? [`group_lock:${f.group}`] : [];
    case 'close':
      if (f.kind === 'group') return [`group_lock:${f.group}`];
      if (f.kind === 'device') return [`group_lock:${deviceSpec(w.tx, f.device).group}`, `dev_set:${f.device}`];
      if (f.kind === 'cdev') return [`group_lock:${deviceSpec(w.tx, f.device).group}`, `dev_set:${f.device}`];
      return [];
    case 'VFIO_DEVICE_BIND_IOMMUFD':
      return f.kind === 'cdev' ? [`group_lock:${deviceSpec(w.tx, f.device).group}`, `dev_set:${f.device}`] : [];
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return f.kind === 'cdev' ? [`dev_set:${f.device}`] : [];
    default:
      return [];
  }
}

/**
 * Conservative gates for ioctls the threaded model runs through the atomic model, which knows nothing of
 * in-flight state: they wait while any object is allocated but not finalized or any destroy sleeps on
 * destroy_rwsem (both would change their lookups), and close() of a file an in-flight ioctl entered through
 * waits for it (the kernel defers that release until the ioctl's fdput). This drops some interleavings; it
 * never invents behaviour.
 */
function foreignBlocked(tw: ThreadedWorld, a: Action, entered: FileId | undefined): boolean {
  if (tw.unfinalized.length > 0) return true;
  if (tw.threads.some((t) => t?.prog === 'destroy' && t.pc === 'wait')) return true;
  if (a.kind === 'close' && entered !== undefined) return tw.threads.some((t) => t?.file === entered);
  return false;
}
