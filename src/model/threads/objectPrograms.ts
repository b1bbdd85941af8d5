// The iommufd ioctls with windows, as programs of atomic steps: IOMMU_IOAS_ALLOC (allocate, then finalize),
// IOMMU_DESTROY (v6.2-v6.4: take a users count, wait for in-flight holders, then check) and IOMMU_VFIO_IOAS
// GET/SET (look up with a short-term reference, act under xa_lock, put).
import { type ActionOf, VFIO_IOAS_OP } from '../actions.ts';
import { objectId } from '../ids.ts';
import { addUsers, ctxOf, eraseObject, getObj, ioasOf, newIoas, obj, setCtx } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit } from '../kernel/tx.ts';
import { err, ok } from '../result.ts';
import type { Ictx } from '../state.ts';
import type { Stepped } from './openProgram.ts';
import type { AllocThread, DestroyThread, VfioIoasThread } from './ThreadedWorld.ts';
import {
  abortObject,
  decShortTerm,
  endShortTerm,
  finalizeObject,
  isUnfinalized,
  lookup,
  readers,
  reserveObject,
  takeShortTerm,
  type Work,
  writerPending,
} from './work.ts';

const cont = <T>(next: T, label: string): Stepped<T> => ({ kind: 'continue', next, label });

type Base = { readonly lane: number; readonly file: import('../ids.ts').FileId };

/** IOMMU_IOAS_ALLOC: windowed only when it gets as far as allocating; errors before that are atomic. */
export function allocStart(w: Work, a: ActionOf<'IOMMU_IOAS_ALLOC'>, base: Base): Stepped<AllocThread> | null {
  const t = target(w.tx, a.actor, a.fd, 'iommufd');
  if (!t.ok || a.flags !== 0 || a.fault === 'ioas_alloc') return null;
  const id = reserveObject(w, base.lane, t.file.ctx, newIoas());
  const next: AllocThread = {
    ...base,
    action: a,
    prog: 'ioas_alloc',
    pc: 'finalize',
    ctx: t.file.ctx,
    id,
    fault: a.fault,
  };
  return cont(next, `IOAS ${id} allocated, not finalized`);
}

/** copy_to_user of the id, then finalize; a failed copy aborts the object and frees the id. */
export function allocAdvance(w: Work, t: AllocThread): Stepped<AllocThread> {
  if (t.fault === 'copy_to_user') {
    abortObject(w, t.ctx, t.id);
    return { kind: 'done', result: err('EFAULT'), label: `IOAS ${t.id} aborted` };
  }
  finalizeObject(w, t.ctx, t.id);
  return { kind: 'done', result: ok(0, { out_ioas_id: t.id }), label: `IOAS ${t.id} finalized` };
}

/**
 * IOMMU_DESTROY. v6.5+: one xa_lock critical section (the atomic op), except that a reserved id is not found.
 * v6.2-v6.4: iommufd_get_object() (ENOENT also when a destroy already waits on the object), then
 * iommufd_ref_to_users() keeps a users count until the check after down_write(). Returns null to run the
 * atomic op.
 */
export function destroyStart(
  w: Work,
  a: ActionOf<'IOMMU_DESTROY'>,
  base: Base,
): Stepped<DestroyThread> | { readonly kind: 'atomic' } {
  const t = target(w.tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return { kind: 'atomic' };
  const c = t.file.ctx;
  if (isUnfinalized(w, c, a.id)) return { kind: 'done', result: err('ENOENT'), label: `id ${a.id} is reserved` };
  if (!w.tsem.destroyWaits) return { kind: 'atomic' };
  const o = lookup(w, c, a.id);
  if (o === undefined || writerPending(w, c, o.serial))
    return { kind: 'done', result: err('ENOENT'), label: 'not found' };
  const id = objectId(a.id);
  addUsers(w.tx, c, id, 1);
  const next: DestroyThread = { ...base, action: a, prog: 'destroy', pc: 'down_write', ctx: c, id, serial: o.serial };
  return cont(next, `${o.type} ${id} referenced (users + 1)`);
}

/** A destroy waiting in down_write() can run only once the other holders have put their references. */
export const destroyEnabled = (w: Work, t: DestroyThread): boolean =>
  t.pc === 'down_write' || readers(w, t.ctx, t.serial, t.lane) === 0;

export function destroyAdvance(w: Work, t: DestroyThread): Stepped<DestroyThread> {
  if (t.pc === 'down_write' && readers(w, t.ctx, t.serial, t.lane) > 0) {
    w.threadEvents.push({ kind: 'destroy_waits', lane: t.lane, ctx: t.ctx, id: t.id });
    return cont({ ...t, pc: 'wait' }, `waits for in-flight holders of ${t.id}`);
  }
  // iommufd_object_destroy_user(): under xa_lock, drop our count; EBUSY unless only the xarray's remains.
  const o = getObj(ctxOf(w.tx, t.ctx), t.id);
  if (o?.serial !== t.serial) throw new Error(`model bug: object ${t.id} freed while DESTROY held a users count`);
  addUsers(w.tx, t.ctx, t.id, -1);
  if (obj(w.tx, t.ctx, t.id).users !== 1) return { kind: 'done', result: err('EBUSY'), label: 'still in use' };
  eraseObject(w.tx, t.ctx, t.id, 'user');
  return { kind: 'done', result: ok(0), label: `${o.type} ${t.id} destroyed` };
}

/** IOMMU_VFIO_IOAS GET and SET take a reference; CLEAR, unknown ops and early errors are atomic (null). */
export function vfioIoasStart(w: Work, a: ActionOf<'IOMMU_VFIO_IOAS'>, base: Base): Stepped<VfioIoasThread> | null {
  const t = target(w.tx, a.actor, a.fd, 'iommufd');
  if (!t.ok || a.reserved !== 0) return null;
  const c = t.file.ctx;
  const ictx = ctxOf(w.tx, c);
  const thread = (id: number, serial: number, pc: VfioIoasThread['pc']): VfioIoasThread => ({
    ...base,
    action: a,
    prog: 'vfio_ioas',
    pc,
    ctx: c,
    id: objectId(id),
    serial,
    result: pc === 'put' ? ok(0, { ioas_id: id }) : null,
  });
  if (a.op === VFIO_IOAS_OP.GET) {
    // get_compat_ioas(): vfio_ioas and iommufd_lock_obj() under xa_lock; ENODEV if none or it is dying.
    const cur = ictx.vfioIoas === null ? undefined : getObj(ictx, ictx.vfioIoas);
    if (ictx.vfioIoas === null || cur === undefined || writerPending(w, c, cur.serial))
      return { kind: 'done', result: err('ENODEV'), label: 'no compat IOAS' };
    takeShortTerm(w, base.lane, c, ictx.vfioIoas);
    return cont(thread(ictx.vfioIoas, cur.serial, 'put'), `IOAS ${ictx.vfioIoas} referenced`);
  }
  if (a.op !== VFIO_IOAS_OP.SET) return null;
  // iommufd_get_ioas(): ENOENT unless a finalized IOAS whose destroy_rwsem can be read-locked.
  const ioas = isUnfinalized(w, c, a.ioas_id) ? undefined : ioasOf(w.tx, c, a.ioas_id);
  if (ioas === undefined || writerPending(w, c, ioas.serial))
    return { kind: 'done', result: err('ENOENT'), label: 'no such IOAS' };
  takeShortTerm(w, base.lane, c, objectId(a.ioas_id));
  return cont(thread(a.ioas_id, ioas.serial, 'set'), `IOAS ${a.ioas_id} referenced`);
}

export function vfioIoasAdvance(w: Work, t: VfioIoasThread): Stepped<VfioIoasThread> {
  switch (t.pc) {
    case 'set': {
      const ictx = ctxOf(w.tx, t.ctx);
      if (w.tx.sem.ioasSetBusy && ictx.vfioIoas !== null && compatInUse(ictx, ictx.vfioIoas))
        return cont({ ...t, pc: 'put', result: err('EBUSY') }, 'compat IOAS in use');
      if (ictx.vfioIoas !== t.id) {
        setCtx(w.tx, t.ctx, { ...ictx, vfioIoas: t.id });
        emit(w.tx, { kind: 'compat_ioas_changed', ctx: t.ctx, id: t.id, serial: t.serial, cause: 'SET' });
      }
      return cont({ ...t, pc: 'put', result: ok(0) }, `vfio_ioas := ${t.id}`);
    }
    case 'put': {
      decShortTerm(w, t.lane);
      if (w.tsem.putTouchesAfterDec) return cont({ ...t, pc: 'up_read' }, `users of ${t.id} decremented`);
      endShortTerm(w, t.lane, 'iommufd_put_object');
      return finish(t);
    }
    case 'up_read':
      endShortTerm(w, t.lane, 'iommufd_put_object: up_read(&obj->destroy_rwsem)');
      return finish(t);
    default: {
      const never: never = t.pc;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

function finish(t: VfioIoasThread): Stepped<VfioIoasThread> {
  if (t.result === null) throw new Error('model bug: IOMMU_VFIO_IOAS put before a result');
  return { kind: 'done', result: t.result, label: 'reference put' };
}

/** Copied from ops/iommuVfioIoas.ts (not exported): +ioas-set-busy's "compat IOAS has devices attached". */
function compatInUse(ictx: Ictx, id: number): boolean {
  const ioas = ictx.objects[id];
  if (ioas?.type !== 'IOAS') return false;
  if (ioas.hwptList.some((h) => (ictx.objects[h]?.users ?? 1) > 1)) return true;
  return ictx.objects.some((o) => o?.type === 'ACCESS' && o.ioas === id);
}
