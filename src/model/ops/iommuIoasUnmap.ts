import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { notifyUnmap } from '../kernel/access.ts';
import { U64_MAX, unmapRange } from '../kernel/iopt.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_IOAS_UNMAP: ioas.c iommufd_ioas_unmap(): iommufd_get_ioas() -> ENOENT; iova 0 + length U64_MAX unmaps
 * all (0 even when empty); else length 0 -> EINVAL, nothing in range -> ENOENT, an area sticking out of the
 * range -> ENOENT after the lower areas went (iopt_unmap_iova_range()). `length` is written back on success only.
 */
export function iommuIoasUnmap(tx: Tx, a: ActionOf<'IOMMU_IOAS_UNMAP'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const c = t.file.ctx;
  const id = objectId(a.ioas_id);
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  const all = a.iova === 0 && a.length >= U64_MAX;
  if (!all) {
    // io_pagetable.c iopt_unmap_iova(): no alignment check; what is unmapped is whole areas, whatever their size.
    if (a.length === 0) return err('EINVAL');
  }
  const r = all ? unmapRange(ioas.areas, 0, Number.MAX_VALUE) : unmapRange(ioas.areas, a.iova, a.iova + a.length - 1);
  // iopt_unmap_iova_range(): an area pinned by an access first notifies it (iommufd_access_notify_unmap()).
  for (const gone of ioas.areas) if (!r.areas.includes(gone)) notifyUnmap(tx, c, id, gone.iova, gone.last);
  putObj(tx, c, id, { ...ioas, areas: r.areas });
  if (r.unmapped > 0) emit(tx, { kind: 'dma_unmapped', ctx: c, ioas: id, bytes: r.unmapped });
  if (r.stop === 'bisected' || (!all && r.unmapped === 0)) return err('ENOENT');
  return ok(0, { length: r.unmapped });
}
