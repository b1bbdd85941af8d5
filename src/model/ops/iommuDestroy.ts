import type { ActionOf } from '../actions.ts';
import { userDestroy } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** IOMMU_DESTROY: main.c iommufd_destroy(), any type: ENOENT if absent, EBUSY unless users == 1 (v6.5+
 * iommufd_object_remove(); v6.2-v6.4 give the same result sequentially), clears vfio_ioas if it matches. */
export function iommuDestroy(tx: Tx, a: ActionOf<'IOMMU_DESTROY'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const r = userDestroy(tx, t.file.ctx, a.id);
  return r === 'ok' ? ok(0) : err(r);
}
