import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { intersects } from '../kernel/iovaGeometry.ts';
import { ioasOf, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_TEST_OP_ADD_RESERVED: selftest.c iommufd_test_add_reserved() -> iopt_reserve_iova(start,
 * start + length - 1): not an IOAS -> ENOENT; intersecting an area or an allowed range -> EADDRINUSE;
 * overlapping another reserved range is fine.
 */
export function iommuTestAddReserved(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_ADD_RESERVED'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const c = t.file.ctx;
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  const last = a.start + a.length - 1;
  const areas = ioas.areas.map((x) => ({ start: x.iova, last: x.last }));
  if (intersects(areas, a.start, last) || intersects(ioas.allowed, a.start, last)) return err('EADDRINUSE');
  putObj(tx, c, objectId(a.ioas_id), { ...ioas, reserved: [...ioas.reserved, { start: a.start, last }] });
  return ok(0);
}
