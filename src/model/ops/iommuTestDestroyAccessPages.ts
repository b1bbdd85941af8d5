import type { ActionOf } from '../actions.ts';
import { accessFile } from '../kernel/access.ts';
import { setFile } from '../kernel/files.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: selftest.c iommufd_test_access_item_destroy(): not an access fd ->
 * EBADFD; an item id this access does not hold (never pinned, destroyed, or dropped by an unmap) -> ENOENT. */
export function iommuTestDestroyAccessPages(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const f = accessFile(tx, a.actor, a.access_fd);
  if (!f.ok) return err(f.errno);
  if (!f.file.items.some((it) => it.id === a.access_pages_id)) return err('ENOENT');
  setFile(tx, f.id, { ...f.file, items: f.file.items.filter((it) => it.id !== a.access_pages_id) });
  return ok(0);
}
