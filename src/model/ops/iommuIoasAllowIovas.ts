import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { intersects, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_IOAS_ALLOW_IOVAS: ioas.c iommufd_ioas_allow_iovas(): not an IOAS -> ENOENT; iommufd_ioas_load_iovas():
 * start >= last or two ranges overlapping -> EINVAL; iopt_set_allow_iova(): a range intersecting a reserved
 * range -> EADDRINUSE, the old list kept; else the list is replaced (none: everything allowed again).
 */
export function iommuIoasAllowIovas(tx: Tx, a: ActionOf<'IOMMU_IOAS_ALLOW_IOVAS'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  // ioas.c iommufd_ioas_allow_iovas(): a non-zero __reserved -> EOPNOTSUPP before the IOAS lookup.
  if (a.reserved !== 0) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  const loaded: { start: number; last: number }[] = [];
  for (const r of a.allowed_iovas) {
    if (r.start >= r.last || intersects(loaded, r.start, r.last)) return err('EINVAL');
    loaded.push(r);
  }
  const reserved = reservedRanges(tx, c, a.ioas_id, ioas);
  if (loaded.some((r) => intersects(reserved, r.start, r.last))) return err('EADDRINUSE');
  putObj(tx, c, objectId(a.ioas_id), { ...ioas, allowed: loaded });
  return ok(0);
}
