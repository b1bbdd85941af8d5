import { type ActionOf, IOMMU_IOAS_MAP_FLAG as F } from '../actions.ts';
import { objectId } from '../ids.ts';
import { insertArea, isPageAligned, overlaps, U64_MAX } from '../kernel/iopt.ts';
import { intersects, iovaAlignment, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/**
 * IOMMU_IOAS_COPY: ioas.c iommufd_ioas_copy(): unknown flags -> EOPNOTSUPP; length or an iova >= ULONG_MAX ->
 * EOVERFLOW; v6.11+ (996dc53ac289) neither READABLE nor WRITEABLE -> EINVAL; the source IOAS -> ENOENT;
 * iopt_get_pages(): length 0 -> EINVAL, a source range not covered by contiguous areas -> ENOENT; the
 * destination IOAS -> ENOENT; then a fixed-IOVA map into it (iopt_check_iova(): misaligned or reserved ->
 * EINVAL, overlap -> EEXIST). Without FIXED_IOVA the destination IOVA is allocated: not modelled.
 */
export function iommuIoasCopy(tx: Tx, a: ActionOf<'IOMMU_IOAS_COPY'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if ((a.flags & ~(F.FIXED_IOVA | F.WRITEABLE | F.READABLE)) !== 0) return err('EOPNOTSUPP');
  if (a.length >= U64_MAX || a.src_iova >= U64_MAX || a.dst_iova >= U64_MAX) return err('EOVERFLOW');
  if ((a.flags & (F.WRITEABLE | F.READABLE)) === 0 && tx.sem.mapNeedsReadOrWrite) return err('EINVAL');
  const c = t.file.ctx;
  const src = ioasOf(tx, c, a.src_ioas_id);
  if (src === undefined) return err('ENOENT');
  if (a.length === 0) return err('EINVAL');
  if (!isPageAligned(a.src_iova) || !isPageAligned(a.dst_iova) || !isPageAligned(a.length))
    return unmodelled('sub-page IOVA alignment');
  const srcLast = a.src_iova + a.length - 1;
  let next = a.src_iova;
  for (const area of src.areas) {
    if (area.last < next || area.iova > next) continue;
    next = area.last + 1;
    if (next > srcLast) break;
  }
  if (next <= srcLast) return err('ENOENT');
  const dst = ioasOf(tx, c, a.dst_ioas_id);
  if (dst === undefined) return err('ENOENT');
  if ((a.flags & F.FIXED_IOVA) === 0) return unmodelled('IOVA allocation depends on the source pages alignment');
  const reserved = reservedRanges(tx, c, a.dst_ioas_id, dst);
  const align = iovaAlignment(tx, c, a.dst_ioas_id, dst);
  const last = a.dst_iova + a.length - 1;
  if (a.dst_iova % align !== 0 || a.length % align !== 0) return err('EINVAL');
  if (intersects(reserved, a.dst_iova, last)) return err('EINVAL');
  if (overlaps(dst.areas, a.dst_iova, last)) return err('EEXIST');
  const id = objectId(a.dst_ioas_id);
  putObj(tx, c, id, { ...dst, areas: insertArea(dst.areas, { iova: a.dst_iova, last }) });
  emit(tx, { kind: 'dma_mapped', ctx: c, ioas: id, ioasSerial: dst.serial, iova: a.dst_iova, length: a.length });
  return ok(0, { dst_iova: a.dst_iova });
}
