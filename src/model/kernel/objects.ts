// The iommufd object table of one context: lowest-free id allocation, lookups, users counts, and the
// kernel-side destroy. main.c _iommufd_object_alloc(): xa_alloc with XA_FLAGS_ALLOC1 gives the lowest free id >= 1.
import { type CtxId, type ObjectId, objectId } from '../ids.ts';
import type { HwptObject, Ictx, IoasObject, IommufdObject } from '../state.ts';
import { destroyMockDevice } from './mock.ts';
import { emit, lowestFree, replaceAt, type Tx, trimTrailing } from './tx.ts';

export function ctxOf(tx: Tx, c: CtxId): Ictx {
  const ictx = tx.world.ctxs[c];
  // An op only reaches a ctx through a live fd or a held reference; a missing one is a model bug.
  if (ictx === undefined) throw new Error(`model bug: ctx ${c} is not live`);
  return ictx;
}

export function setCtx(tx: Tx, c: CtxId, ictx: Ictx | undefined): void {
  tx.world = { ...tx.world, ctxs: trimTrailing(replaceAt(tx.world.ctxs, c, ictx)) };
}

export const getObj = (ictx: Ictx, id: number): IommufdObject | undefined =>
  Number.isInteger(id) && id > 0 ? ictx.objects[id] : undefined;

export function obj(tx: Tx, c: CtxId, id: ObjectId): IommufdObject {
  const o = ctxOf(tx, c).objects[id];
  // Callers pass ids they just looked up or that a live holder references.
  if (o === undefined) throw new Error(`model bug: object ${id} missing in ctx ${c}`);
  return o;
}

export function putObj(tx: Tx, c: CtxId, id: ObjectId, o: IommufdObject | undefined): void {
  const ictx = ctxOf(tx, c);
  setCtx(tx, c, { ...ictx, objects: trimTrailing(replaceAt(ictx.objects, id, o)) });
}

export function addUsers(tx: Tx, c: CtxId, id: ObjectId, delta: number): void {
  const o = obj(tx, c, id);
  putObj(tx, c, id, { ...o, users: o.users + delta });
}

export type NewObject =
  | Omit<IoasObject, 'serial' | 'users'>
  | Omit<HwptObject, 'serial' | 'users'>
  | Omit<Extract<IommufdObject, { type: 'DEVICE' }>, 'serial' | 'users'>
  | Omit<Extract<IommufdObject, { type: 'ACCESS' }>, 'serial' | 'users'>
  | Omit<Extract<IommufdObject, { type: 'SELFTEST' }>, 'serial' | 'users'>;

/** Allocates the lowest free id and publishes the object (allocate + finalize), users = 1 + extraUsers. */
export function createObject(tx: Tx, c: CtxId, o: NewObject, extraUsers: number): ObjectId {
  const ictx = ctxOf(tx, c);
  const id = objectId(lowestFree(ictx.objects, 1));
  const serial = tx.world.nextSerial;
  tx.world = { ...tx.world, nextSerial: serial + 1 };
  putObj(tx, c, id, { ...o, users: 1 + extraUsers, serial } as IommufdObject);
  emit(tx, { kind: 'object_created', ctx: c, id, type: o.type, serial });
  return id;
}

export const newIoas = (): NewObject => ({
  type: 'IOAS',
  hwptList: [],
  areas: [],
  largePagesDisabled: false,
  reserved: [],
  allowed: [],
});

/**
 * Erases an object whose users count the caller has brought to 1 and runs the type's destroy:
 * HWPT_PAGING leaves its IOAS's hwpt_list and drops its IOAS reference (iommufd_hwpt_paging_destroy());
 * an attached ACCESS drops its IOAS reference. Clears vfio_ioas if it pointed here (iommufd_object_remove()).
 */
export function eraseObject(tx: Tx, c: CtxId, id: ObjectId, by: 'user' | 'kernel' | 'release'): void {
  const o = obj(tx, c, id);
  putObj(tx, c, id, undefined);
  emit(tx, { kind: 'object_destroyed', ctx: c, id, type: o.type, serial: o.serial, by });
  const ictx = ctxOf(tx, c);
  if (ictx.vfioIoas === id) {
    setCtx(tx, c, { ...ictx, vfioIoas: null });
    emit(tx, { kind: 'compat_ioas_changed', ctx: c, id: null, serial: null, cause: 'destroy' });
  }
  switch (o.type) {
    case 'HWPT_PAGING': {
      const ioas = obj(tx, c, o.ioas);
      if (ioas.type !== 'IOAS') throw new Error('model bug: HWPT parent is not an IOAS');
      putObj(tx, c, o.ioas, { ...ioas, users: ioas.users - 1, hwptList: ioas.hwptList.filter((h) => h !== id) });
      return;
    }
    case 'ACCESS':
      if (o.ioas !== null) addUsers(tx, c, o.ioas, -1);
      return;
    case 'SELFTEST':
      // selftest.c iommufd_selftest_destroy(): detach and unbind the mock device.
      destroyMockDevice(tx, c, o.mock);
      return;
    case 'IOAS':
    case 'DEVICE':
      return;
    default: {
      const never: never = o;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

/** iommufd_object_remove() as the user's IOMMU_DESTROY runs it: ENOENT if absent, EBUSY unless users == 1. */
export function userDestroy(tx: Tx, c: CtxId, id: number): 'ok' | 'ENOENT' | 'EBUSY' {
  const o = getObj(ctxOf(tx, c), id);
  if (o === undefined) return 'ENOENT';
  if (o.users !== 1) return 'EBUSY';
  eraseObject(tx, c, objectId(id), 'user');
  return 'ok';
}

/** Drops a kernel holder's reference and destroys the object if that was the last one besides the xarray
 * (iommufd_object_destroy_user() / iommufd_object_put_and_try_destroy()); WARNs if other users remain. */
export function kernelDestroy(tx: Tx, c: CtxId, id: ObjectId, where: string): void {
  addUsers(tx, c, id, -1);
  const o = obj(tx, c, id);
  if (o.users === 1) {
    eraseObject(tx, c, id, 'kernel');
  } else {
    emit(tx, { kind: 'kernel_warn', where, message: `object ${id} still has ${o.users} users; leaked until release` });
  }
}

export const ioasOf = (tx: Tx, c: CtxId, id: number): IoasObject | undefined => {
  const o = getObj(ctxOf(tx, c), id);
  return o?.type === 'IOAS' ? o : undefined;
};
