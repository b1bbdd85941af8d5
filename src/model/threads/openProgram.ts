// VFIO_GROUP_GET_DEVICE_FD, first open of a device with an iommufd, as a program of atomic steps. The window
// of the review's argument is between `compat_id` (the id is looked up and its reference dropped) and
// `attach_lookup` (iommufd_device_attach() looks the id up again, by id, type ANY).
// v6.2-v6.5 vfio_iommufd_bind(): bind, compat id, attach, then open_device; v6.6+ vfio_df_open() binds and
// runs open_device, then vfio_iommufd_compat_attach_ioas(). group_lock and dev_set->lock are held throughout.
import type { ActionOf } from '../actions.ts';
import type { Errno } from '../errno.ts';
import { objectId } from '../ids.ts';
import { attachDevice, bindDevice, unbindDevice } from '../kernel/device.ts';
import { installFd, newFile } from '../kernel/files.ts';
import { ctxOf, getObj, newIoas, obj, setCtx } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit } from '../kernel/tx.ts';
import { deviceState, groupSpec, groupState, isNoiommuDevice, setDevice, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';
import type { LockName, OpenThread } from './ThreadedWorld.ts';
import {
  abortObject,
  decShortTerm,
  endShortTerm,
  finalizeObject,
  lookup,
  reserveObject,
  takeShortTerm,
  type Work,
  writerPending,
} from './work.ts';

/** What one step of a program did: the thread continues with `next`, or the ioctl returns `result`. */
export type Stepped<T> =
  | { readonly kind: 'continue'; readonly next: T; readonly label: string }
  | { readonly kind: 'done'; readonly result: OpResult; readonly label: string };

const cont = <T>(next: T, label: string): Stepped<T> => ({ kind: 'continue', next, label });
const done = <T>(result: OpResult, label: string): Stepped<T> => ({ kind: 'done', result, label });

type Start = { readonly kind: 'atomic'; readonly locks: readonly LockName[] } | { readonly kind: 'windowed' };

/** Whether this GET_DEVICE_FD is a first open with windows (physical or emulated device, iommufd mode);
 * every other case (errors, later opens, noiommu) runs atomically under the same two mutexes. */
export function openStart(w: Work, a: ActionOf<'VFIO_GROUP_GET_DEVICE_FD'>): Start {
  const t = target(w.tx, a.actor, a.fd, 'group');
  if (!t.ok) return { kind: 'atomic', locks: [] };
  const g = t.file.group;
  const locks: LockName[] = [`group_lock:${g}`, `dev_set:${a.device}`];
  if (!groupSpec(w.tx, g).devices.includes(a.device)) return { kind: 'atomic', locks: [`group_lock:${g}`] };
  const windowed =
    groupState(w.tx, g).iommufd !== null &&
    deviceState(w.tx, a.device).openCount === 0 &&
    !isNoiommuDevice(w.tx, a.device);
  return windowed ? { kind: 'windowed' } : { kind: 'atomic', locks };
}

function fail(w: Work, t: OpenThread, errno: Errno, unbind: boolean, label: string): Stepped<OpenThread> {
  if (unbind) unbindDevice(w.tx, t.device);
  setDevice(w.tx, t.device, { openCount: deviceState(w.tx, t.device).openCount - 1 });
  return done(err(errno), label);
}

/** The first step, with group_lock and dev_set->lock just taken: open_count++ and bind (v6.6+: and
 * open_device). Returns the thread waiting to look up the compat IOAS id. */
export function openFirstStep(
  w: Work,
  lane: number,
  t0: Omit<OpenThread, 'pc' | 'ptId' | 'reserved' | 'autoHwpt' | 'attachErrno'>,
): Stepped<OpenThread> {
  w.locks[`group_lock:${t0.group}`] = lane;
  w.locks[`dev_set:${t0.device}`] = lane;
  const t: OpenThread = { ...t0, pc: 'compat_id', ptId: null, reserved: null, autoHwpt: null, attachErrno: null };
  setDevice(w.tx, t.device, { openCount: deviceState(w.tx, t.device).openCount + 1 });
  const b = bindDevice(w.tx, t.device, t.ctx, t.fault);
  if (!b.ok) return fail(w, t, b.errno, false, 'bind failed');
  if (w.tx.sem.closeUsesDfIommufd && t.fault === 'open_device') return fail(w, t, 'ENOMEM', true, 'open_device failed');
  return cont(t, 'bound');
}

function installCompat(w: Work, t: OpenThread, id: number): void {
  // Copied from kernel/compat.ts (not exported): +bug-compat-not-stored never stores vfio_ioas.
  if (w.tx.sem.bugCompatNotStored) return;
  setCtx(w.tx, t.ctx, { ...ctxOf(w.tx, t.ctx), vfioIoas: objectId(id) });
  emit(w.tx, {
    kind: 'compat_ioas_changed',
    ctx: t.ctx,
    id: objectId(id),
    serial: obj(w.tx, t.ctx, objectId(id)).serial,
    cause: 'auto_create',
  });
}

export function openAdvance(w: Work, lane: number, t: OpenThread): Stepped<OpenThread> {
  switch (t.pc) {
    case 'compat_id': {
      const cached = groupState(w.tx, t.group).cachedCompatId;
      if ((w.tx.sem.cachedCompatId || w.tx.sem.uapiComment) && cached !== null)
        return cont({ ...t, pc: 'attach_lookup', ptId: cached }, `cached compat id ${cached}`);
      if (w.tx.sem.compatCreateAtOpen) {
        // v6.2 iommufd_vfio_compat_ioas_id(): allocate first, outside xa_lock.
        if (t.fault === 'ioas_alloc') return fail(w, t, 'ENOMEM', true, 'compat IOAS allocation failed');
        const reserved = reserveObject(w, lane, t.ctx, newIoas());
        return cont({ ...t, pc: 'compat_decide', reserved }, `IOAS ${reserved} allocated, not finalized`);
      }
      // v6.3+ iommufd_vfio_compat_ioas_get_id(): get_compat_ioas() (ENODEV if none, or if iommufd_lock_obj()
      // fails because a destroy waits on it), read the id, put: the reference is gone when the step ends.
      const current = ctxOf(w.tx, t.ctx).vfioIoas;
      const cur = current === null ? undefined : getObj(ctxOf(w.tx, t.ctx), current);
      if (current === null || cur === undefined || writerPending(w, t.ctx, cur.serial))
        return fail(w, t, 'ENODEV', true, 'no compat IOAS');
      return cont({ ...t, pc: 'attach_lookup', ptId: current }, `compat id ${current} (reference dropped)`);
    }
    case 'compat_decide': {
      const reserved = t.reserved;
      if (reserved === null) throw new Error('model bug: compat_decide without an allocated IOAS');
      const current = ctxOf(w.tx, t.ctx).vfioIoas;
      const cur = current === null ? undefined : getObj(ctxOf(w.tx, t.ctx), current);
      // A vfio_ioas being destroyed fails iommufd_lock_obj(): v6.2 installs the new IOAS in its place (C7).
      if (current !== null && cur !== undefined && !writerPending(w, t.ctx, cur.serial)) {
        abortObject(w, t.ctx, reserved);
        return cont({ ...t, pc: 'attach_lookup', ptId: current, reserved: null }, `IOAS ${reserved} aborted`);
      }
      finalizeObject(w, t.ctx, reserved);
      installCompat(w, t, reserved);
      return cont({ ...t, pc: 'attach_lookup', ptId: reserved, reserved: null }, `IOAS ${reserved} installed`);
    }
    case 'attach_lookup': {
      const id = t.ptId;
      if (id === null) throw new Error('model bug: attach without an id');
      const found = lookup(w, t.ctx, id);
      if (found !== undefined && !writerPending(w, t.ctx, found.serial)) {
        takeShortTerm(w, lane, t.ctx, id);
        return cont({ ...t, pc: 'attach' }, `${found.type} ${id} looked up (object #${found.serial})`);
      }
      if (found === undefined && !w.unfinalized.some((u) => u.ctx === t.ctx && u.id === id)) {
        // Absent: the atomic attach's own error path (ENOENT, or what an earlier check gives).
        return attachAndFinish(w, t, false);
      }
      return fail(w, t, 'ENOENT', true, `id ${id} not found`);
    }
    case 'attach':
      return attachAndFinish(w, t, true);
    case 'hwpt_finalize': {
      const h = t.autoHwpt;
      if (h === null) throw new Error('model bug: hwpt_finalize without a HWPT');
      // Its object_created event came with the attach, where the atomic model reports it.
      w.unfinalized = w.unfinalized.filter((u) => !(u.ctx === t.ctx && u.id === h));
      decShortTerm(w, t.lane);
      endShortTerm(w, t.lane, 'iommufd_device_attach');
      return finishOpen(w, t);
    }
    case 'unbind': {
      if (t.attachErrno === null) throw new Error('model bug: unbind without an attach errno');
      return fail(w, t, t.attachErrno, true, `attach to ${t.ptId} failed`);
    }
    default: {
      const never: never = t.pc;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

/** ops->attach_ioas under the lookup's reference, iommufd_put_object(), then open_device (v6.2-v6.5) and the
 * new device fd. */
function attachAndFinish(w: Work, t: OpenThread, held: boolean): Stepped<OpenThread> {
  const id = t.ptId;
  if (id === null) throw new Error('model bug: attach without an id');
  const before = w.tx.events.length;
  const r = attachDevice(w.tx, t.device, id, t.fault);
  const made = w.tx.events.slice(before).find((e) => e.kind === 'object_created' && e.type === 'HWPT_PAGING');
  if (held && r.ok && made?.kind === 'object_created' && w.tsem.autoDomainEarlyUnlock) {
    // B4: the new auto HWPT is attached and on hwpt_list, ioas->mutex is dropped, finalize comes next.
    w.unfinalized.push({ lane: t.lane, ctx: t.ctx, id: made.id, serial: made.serial });
    return cont(
      { ...t, pc: 'hwpt_finalize', autoHwpt: made.id },
      `HWPT ${made.id} listed, mutex dropped, not finalized`,
    );
  }
  if (held) {
    // The attach (and any auto HWPT it made) ran under ioas->mutex inside this step; the put is one step too.
    decShortTerm(w, t.lane);
    endShortTerm(w, t.lane, 'iommufd_device_attach');
  }
  // iommufd_device_attach() puts the lookup's reference before it returns the error; vfio unbinds afterwards,
  // in a step of its own (the unbind waits for other threads' short-term references, see threadStep.ts).
  if (!r.ok && held)
    return cont({ ...t, pc: 'unbind', attachErrno: r.errno }, `attach to ${id} failed (${r.errno}), reference put`);
  if (!r.ok) return fail(w, t, r.errno, true, `attach to ${id} failed`);
  return finishOpen(w, t);
}

/** After a successful attach: cache the id (+cached-compat-id), open_device (v6.2-v6.5), the new device fd. */
function finishOpen(w: Work, t: OpenThread): Stepped<OpenThread> {
  const id = t.ptId;
  if (id === null) throw new Error('model bug: finish without an id');
  if (w.tx.sem.cachedCompatId && groupState(w.tx, t.group).cachedCompatId === null)
    setGroup(w.tx, t.group, { cachedCompatId: id });
  if (!w.tx.sem.closeUsesDfIommufd && t.fault === 'open_device')
    return fail(w, t, 'ENOMEM', true, 'open_device failed');
  const openCount = deviceState(w.tx, t.device).openCount;
  const file = newFile(w.tx, {
    kind: 'device',
    fds: 0,
    device: t.device,
    iommufd: w.tx.sem.closeUsesDfIommufd ? t.ctx : null,
    accessGranted: true,
  });
  emit(w.tx, { kind: 'device_opened', device: t.device, openCount, file });
  return done(ok(installFd(w.tx, t.action.actor, file)), `attached to ${id}`);
}
