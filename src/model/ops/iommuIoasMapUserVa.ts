import { type ActionOf, IOMMU_IOAS_MAP_FLAG as F } from '../actions.ts';
import { objectId } from '../ids.ts';
import { insertArea, isPageAligned, U64_MAX } from '../kernel/iopt.ts';
import { allocIova } from '../kernel/iovaAlloc.ts';
import { iovaAlignment, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/**
 * IOMMU_IOAS_MAP without FIXED_IOVA, user VA known: ioas.c iommufd_ioas_map() checks as for a fixed map
 * (unknown flags -> EOPNOTSUPP, v6.11+ no READ/WRITE -> EINVAL, not an IOAS -> ENOENT, length 0 -> EINVAL,
 * length not a multiple of the IOAS alignment -> EINVAL), then iopt_alloc_iova() (kernel/iovaAlloc.ts:
 * EINVAL, ENOSPC). The pages are assumed mapped in the process; out: iova.
 */
export function iommuIoasMapUserVa(tx: Tx, a: ActionOf<'IOMMU_IOAS_MAP_USER_VA'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if ((a.flags & ~(F.FIXED_IOVA | F.WRITEABLE | F.READABLE)) !== 0 || a.reserved !== 0) return err('EOPNOTSUPP');
  if (a.length >= U64_MAX) return err('EOVERFLOW');
  if ((a.flags & (F.WRITEABLE | F.READABLE)) === 0 && tx.sem.mapNeedsReadOrWrite) return err('EINVAL');
  const c = t.file.ctx;
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  if (a.length === 0) return err('EINVAL');
  if (!isPageAligned(a.user_va) || !isPageAligned(a.length)) return unmodelled('sub-page IOVA alignment');
  const reserved = reservedRanges(tx, c, a.ioas_id, ioas);
  const align = iovaAlignment(tx, c, a.ioas_id, ioas);
  if (a.length % align !== 0) return err('EINVAL');
  const r = allocIova(ioas, reserved, align, a.user_va, a.length);
  if (!r.ok) return err(r.errno);
  const last = r.iova + a.length - 1;
  const id = objectId(a.ioas_id);
  putObj(tx, c, id, { ...ioas, areas: insertArea(ioas.areas, { iova: r.iova, last }) });
  emit(tx, { kind: 'dma_mapped', ctx: c, ioas: id, ioasSerial: ioas.serial, iova: r.iova, length: a.length });
  return ok(0, { iova: r.iova });
}
