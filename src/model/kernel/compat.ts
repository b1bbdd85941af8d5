// The compat-IOAS helpers of vfio_compat.c: how VFIO finds (and in some versions creates) ictx->vfio_ioas.
import type { FaultPoint } from '../actions.ts';
import type { CtxId, ObjectId } from '../ids.ts';
import { type Fallible, failure, success } from './fallible.ts';
import { createObject, ctxOf, ioasOf, newIoas, obj, setCtx } from './objects.ts';
import { emit, type Tx } from './tx.ts';

function installCompat(tx: Tx, c: CtxId, id: ObjectId): void {
  // +bug-compat-not-stored: the early RFC allocated the IOAS but never stored it in ictx->vfio_ioas.
  if (tx.sem.bugCompatNotStored) return;
  setCtx(tx, c, { ...ctxOf(tx, c), vfioIoas: id });
  emit(tx, { kind: 'compat_ioas_changed', ctx: c, id, serial: obj(tx, c, id).serial, cause: 'auto_create' });
}

/**
 * v6.2 iommufd_vfio_compat_ioas_id(): always allocates a new IOAS first (ENOMEM), then under xa_lock returns
 * the live vfio_ioas (aborting the new one: invisible sequentially) or installs and finalizes the new one.
 */
export function compatIoasId(tx: Tx, c: CtxId, fault: FaultPoint | null): Fallible<ObjectId> {
  if (fault === 'ioas_alloc') return failure('ENOMEM');
  const current = ctxOf(tx, c).vfioIoas;
  if (current !== null) return success(current);
  const id = createObject(tx, c, newIoas(), 0);
  installCompat(tx, c, id);
  return success(id);
}

/** v6.3+ iommufd_vfio_compat_ioas_get_id(): the current vfio_ioas, ENODEV if none; never creates. */
export function compatIoasGetId(tx: Tx, c: CtxId): Fallible<ObjectId> {
  const current = ctxOf(tx, c).vfioIoas;
  return current === null ? failure('ENODEV') : success(current);
}

/**
 * v6.3+ iommufd_vfio_compat_ioas_create(): allocate (ENOMEM); under xa_lock: no_iommu_mode -> abort, EINVAL;
 * a live vfio_ioas -> abort, 0; else install and finalize.
 */
export function compatIoasCreate(tx: Tx, c: CtxId, fault: FaultPoint | null): Fallible<null> {
  if (fault === 'ioas_alloc') return failure('ENOMEM');
  const ictx = ctxOf(tx, c);
  if (ictx.noIommuMode) return failure('EINVAL');
  if (ictx.vfioIoas !== null) return success(null);
  const id = createObject(tx, c, newIoas(), 0);
  installCompat(tx, c, id);
  return success(null);
}

/** v6.3+ iommufd_vfio_compat_set_no_iommu(): under xa_lock, EINVAL if a compat IOAS exists, else sticky mode. */
export function compatSetNoIommu(tx: Tx, c: CtxId): Fallible<null> {
  const ictx = ctxOf(tx, c);
  if (ictx.vfioIoas !== null) return failure('EINVAL');
  setCtx(tx, c, { ...ictx, noIommuMode: true });
  return success(null);
}

/**
 * The IOAS the legacy container ioctls (MAP_DMA, UNMAP_DMA, GET_INFO, SET_IOMMU, CHECK_EXTENSION(DMA_CC)) work
 * on: vfio_compat.c get_compat_ioas() reads ictx->vfio_ioas on every call. The +uapi-comment design instead
 * keeps using the IOAS the first group on this iommufd got at SET_CONTAINER (an id: it may have been
 * destroyed, or reused by another IOAS).
 */
export function containerIoas(tx: Tx, c: CtxId): ObjectId | null {
  if (tx.sem.uapiComment) {
    for (const g of tx.world.groups) {
      if (g.iommufd !== c || g.cachedCompatId === null) continue;
      return ioasOf(tx, c, g.cachedCompatId) === undefined ? null : g.cachedCompatId;
    }
  }
  return ctxOf(tx, c).vfioIoas;
}
