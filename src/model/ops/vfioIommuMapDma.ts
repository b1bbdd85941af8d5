import { type ActionOf, VFIO_DMA_MAP_FLAG as F, MINSZ } from '../actions.ts';
import { containerIoas } from '../kernel/compat.ts';
import { insertArea, overlaps } from '../kernel/iopt.ts';
import { intersects, iovaAlignment, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_IOMMU_MAP_DMA: vfio_compat.c iommufd_vfio_map_dma(): argsz < minsz or flags beyond READ|WRITE -> EINVAL
 * (before the lookup); no compat IOAS -> ENODEV; then iopt_map_user_pages() at the fixed iova: size 0 ->
 * EINVAL, overlap -> EEXIST. Neither READ nor WRITE is accepted (prot = IOMMU_CACHE). Lands in the *current*
 * vfio_ioas, looked up on every call.
 */
export function vfioIommuMapDma(tx: Tx, a: ActionOf<'VFIO_IOMMU_MAP_DMA'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.argsz < MINSZ.VFIO_IOMMU_MAP_DMA || (a.flags & ~(F.READ | F.WRITE)) !== 0) return err('EINVAL');
  const c = t.file.ctx;
  const id = containerIoas(tx, c);
  if (id === null) return err('ENODEV');
  if (a.size === 0) return err('EINVAL');
  const ioas = ioasOf(tx, c, id);
  if (ioas === undefined) throw new Error('model bug: vfio_ioas is not a live IOAS');
  // iopt_map_user_pages(), as IOMMU_IOAS_MAP: size, then IOVA, multiples of the IOAS's iova_alignment (1 until a
  // domain arrives, unless TYPE1v1 disabled large pages: io_pagetable.c iopt_alloc_area_pages(),
  // iopt_check_iova()); the user buffer is page aligned (the model does not model user memory).
  const align = iovaAlignment(tx, c, id, ioas);
  if (a.size % align !== 0 || a.iova % align !== 0) return err('EINVAL');
  const last = a.iova + a.size - 1;
  // iopt_check_iova(): a reserved range (a selftest mock domain's aperture, ADD_RESERVED) -> EINVAL.
  const reserved = reservedRanges(tx, c, id, ioas);
  if (intersects(reserved, a.iova, last)) return err('EINVAL');
  if (overlaps(ioas.areas, a.iova, last)) return err('EEXIST');
  putObj(tx, c, id, { ...ioas, areas: insertArea(ioas.areas, { iova: a.iova, last }) });
  emit(tx, { kind: 'dma_mapped', ctx: c, ioas: id, ioasSerial: ioas.serial, iova: a.iova, length: a.size });
  return ok(0);
}
