import { type ActionOf, VFIO_DMA_UNMAP_FLAG as F, MINSZ } from '../actions.ts';
import { containerIoas } from '../kernel/compat.ts';
import { cutAt, isPageAligned, unmapRange } from '../kernel/iopt.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/**
 * VFIO_IOMMU_UNMAP_DMA: vfio_compat.c iommufd_vfio_unmap_dma(): argsz/flags beyond ALL -> EINVAL; no compat
 * IOAS -> ENODEV; ALL with iova or size -> EINVAL; ALL -> 0 even when empty. Otherwise, in TYPE1 mode
 * (large pages disabled) areas are first cut at the range's edges, then iopt_unmap_iova(): size 0 -> EINVAL,
 * an area sticking out -> ENOENT after lower areas went, an empty range -> ENOENT until afb47765f923 (B12),
 * 0 after. `size` is written back with the bytes unmapped even when iopt_unmap_iova() fails.
 */
export function vfioIommuUnmapDma(tx: Tx, a: ActionOf<'VFIO_IOMMU_UNMAP_DMA'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.argsz < MINSZ.VFIO_IOMMU_UNMAP_DMA || (a.flags & ~F.ALL) !== 0) return err('EINVAL');
  const c = t.file.ctx;
  const id = containerIoas(tx, c);
  if (id === null) return err('ENODEV');
  const ioas = ioasOf(tx, c, id);
  if (ioas === undefined) throw new Error('model bug: vfio_ioas is not a live IOAS');
  if ((a.flags & F.ALL) !== 0) {
    if (a.iova !== 0 || a.size !== 0) return err('EINVAL');
    const r = unmapRange(ioas.areas, 0, Number.MAX_VALUE);
    putObj(tx, c, id, { ...ioas, areas: r.areas });
    if (r.unmapped > 0) emit(tx, { kind: 'dma_unmapped', ctx: c, ioas: id, bytes: r.unmapped });
    return ok(0, { size: r.unmapped });
  }
  if (a.size === 0) return err('EINVAL', { size: 0 });
  // TYPE1v2: iopt_unmap_iova() has no alignment rule (whole areas go). TYPE1 (large pages disabled) first cuts
  // the areas at the range's edges (iopt_cut_iova()), whose sub-page behaviour is not checked on the lab yet.
  if (ioas.largePagesDisabled && (!isPageAligned(a.iova) || !isPageAligned(a.size)))
    return unmodelled('sub-page cuts of a TYPE1 (v1) unmap');
  let areas = ioas.areas;
  if (ioas.largePagesDisabled) {
    areas = cutAt(areas, a.iova + a.size - 1);
    if (a.iova !== 0) areas = cutAt(areas, a.iova - 1);
  }
  const r = unmapRange(areas, a.iova, a.iova + a.size - 1);
  putObj(tx, c, id, { ...ioas, areas: r.areas });
  if (r.unmapped > 0) emit(tx, { kind: 'dma_unmapped', ctx: c, ioas: id, bytes: r.unmapped });
  if (r.stop === 'bisected') return err('ENOENT', { size: r.unmapped });
  if (r.unmapped === 0 && tx.sem.bugCompatEmptyUnmapEnoent) return err('ENOENT', { size: 0 });
  return ok(0, { size: r.unmapped });
}
