import { type ActionOf, VFIO_IOAS_OP } from '../actions.ts';
import { objectId } from '../ids.ts';
import { ctxOf, ioasOf, setCtx } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';
import type { Ictx } from '../state.ts';

/**
 * IOMMU_VFIO_IOAS: vfio_compat.c iommufd_vfio_ioas(), the same in every version: __reserved != 0 ->
 * EOPNOTSUPP (before op); GET: vfio_ioas or ENODEV, never creates; SET: iommufd_get_ioas() ENOENT unless an
 * IOAS, then vfio_ioas = it and nothing else; CLEAR: vfio_ioas = NULL, always 0; other op: EOPNOTSUPP.
 */
export function iommuVfioIoas(tx: Tx, a: ActionOf<'IOMMU_VFIO_IOAS'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.reserved !== 0) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  const ictx = ctxOf(tx, c);
  switch (a.op) {
    case VFIO_IOAS_OP.GET:
      return ictx.vfioIoas === null ? err('ENODEV') : ok(0, { ioas_id: ictx.vfioIoas });
    case VFIO_IOAS_OP.SET: {
      const ioas = ioasOf(tx, c, a.ioas_id);
      if (ioas === undefined) return err('ENOENT');
      if (tx.sem.ioasSetBusy && ictx.vfioIoas !== null && compatInUse(ictx, ictx.vfioIoas)) return err('EBUSY');
      if (ictx.vfioIoas !== a.ioas_id) {
        setCtx(tx, c, { ...ictx, vfioIoas: objectId(a.ioas_id) });
        emit(tx, { kind: 'compat_ioas_changed', ctx: c, id: objectId(a.ioas_id), serial: ioas.serial, cause: 'SET' });
      }
      return ok(0);
    }
    case VFIO_IOAS_OP.CLEAR:
      if (ictx.vfioIoas !== null) {
        setCtx(tx, c, { ...ictx, vfioIoas: null });
        emit(tx, { kind: 'compat_ioas_changed', ctx: c, id: null, serial: null, cause: 'CLEAR' });
      }
      return ok(0);
    default:
      return err('EOPNOTSUPP');
  }
}

/** +ioas-set-busy: the compat IOAS is in use while a device is attached to it (a HWPT on it with devices, or an
 * access attached to it). */
function compatInUse(ictx: Ictx, id: number): boolean {
  const ioas = ictx.objects[id];
  if (ioas?.type !== 'IOAS') return false;
  if (ioas.hwptList.some((h) => (ictx.objects[h]?.users ?? 1) > 1)) return true;
  return ictx.objects.some((o) => o?.type === 'ACCESS' && o.ioas === id);
}
