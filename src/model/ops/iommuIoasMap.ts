import { type ActionOf, IOMMU_IOAS_MAP_FLAG as F } from '../actions.ts';
import { objectId } from '../ids.ts';
import { insertArea, overlaps } from '../kernel/iopt.ts';
import { intersects, iovaAlignment, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/**
 * IOMMU_IOAS_MAP: ioas.c iommufd_ioas_map(): unknown flags -> EOPNOTSUPP; neither READABLE nor WRITEABLE ->
 * EINVAL (v6.11+, so the latest profile only); iommufd_get_ioas() -> ENOENT; then io_pagetable.c: length 0 -> EINVAL
 * (iopt_alloc_pages()), FIXED_IOVA overlap -> EEXIST (iopt_check_iova()). The user VA is assumed valid.
 */
export function iommuIoasMap(tx: Tx, a: ActionOf<'IOMMU_IOAS_MAP'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  // ioas.c iommufd_ioas_map(): unknown flags or a non-zero __reserved -> EOPNOTSUPP, first.
  if ((a.flags & ~(F.FIXED_IOVA | F.WRITEABLE | F.READABLE)) !== 0 || a.reserved !== 0) return err('EOPNOTSUPP');
  // 996dc53ac289 "iommufd: Do not allow creating areas without READ or WRITE" (v6.11; the selftests' copy_area
  // and cmd_length changed with it): only the latest profile has the check; v6.2-v6.6 map with IOMMU_CACHE only.
  if ((a.flags & (F.WRITEABLE | F.READABLE)) === 0 && tx.sem.mapNeedsReadOrWrite) return err('EINVAL');
  const c = t.file.ctx;
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  if ((a.flags & F.FIXED_IOVA) === 0) return unmodelled('IOVA allocation depends on the user VA alignment');
  if (a.length === 0) return err('EINVAL');
  // io_pagetable.c iopt_alloc_area_pages(): the length, then (iopt_check_iova()) the IOVA, must be multiples of
  // the IOAS's iova_alignment: 1 with no domain or access, the IOMMU's page with one (the user buffer is page
  // aligned: its page_offset is 0, the model does not model user memory).
  const align = iovaAlignment(tx, c, a.ioas_id, ioas);
  if (a.length % align !== 0 || a.iova % align !== 0) return err('EINVAL');
  const last = a.iova + a.length - 1;
  // iopt_check_iova(): a reserved range (ADD_RESERVED, a mock domain's aperture) -> EINVAL before the overlap.
  const reserved = reservedRanges(tx, c, a.ioas_id, ioas);
  if (intersects(reserved, a.iova, last)) return err('EINVAL');
  if (overlaps(ioas.areas, a.iova, last)) return err('EEXIST');
  putObj(tx, c, objectId(a.ioas_id), { ...ioas, areas: insertArea(ioas.areas, { iova: a.iova, last }) });
  emit(tx, {
    kind: 'dma_mapped',
    ctx: c,
    ioas: objectId(a.ioas_id),
    ioasSerial: ioas.serial,
    iova: a.iova,
    length: a.length,
  });
  return ok(0, { iova: a.iova });
}
