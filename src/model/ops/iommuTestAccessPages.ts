import type { ActionOf } from '../actions.ts';
import { accessFile } from '../kernel/access.ts';
import { setFile } from '../kernel/files.ts';
import { isPageAligned } from '../kernel/iopt.ts';
import { ioasOf, obj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';

/** MOCK_FLAGS_ACCESS_WRITE and MOCK_FLAGS_ACCESS_SYZ (iommufd_test.h). */
const ACCESS_PAGES_FLAGS = 1 | (1 << 16);

/**
 * IOMMU_TEST_OP_ACCESS_PAGES: selftest.c iommufd_test_access_pages(): not an access fd -> EBADFD; unknown flags
 * or an access made without NEEDS_PIN_PAGES -> EOPNOTSUPP; length > 16 MiB -> ENOMEM; then
 * iommufd_access_pin_pages(): length 0 -> EINVAL, a range not covered by contiguous areas -> ENOENT. Records an
 * item with the next id of this access (ids start at 0 and are never reused); out: access_pages_id.
 */
export function iommuTestAccessPages(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_ACCESS_PAGES'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  const f = accessFile(tx, a.actor, a.access_fd);
  if (!f.ok) return err(f.errno);
  if ((a.flags & ~ACCESS_PAGES_FLAGS) !== 0 || !f.file.needsPin) return err('EOPNOTSUPP');
  if (a.length > 16 * 1024 * 1024) return err('ENOMEM');
  if (a.length === 0) return err('EINVAL');
  if (!isPageAligned(a.iova) || !isPageAligned(a.length)) return unmodelled('sub-page access pinning');
  const c = f.file.ctx;
  const access = obj(tx, c, f.file.access);
  if (access.type !== 'ACCESS' || access.ioas === null) return err('ENOENT');
  const ioas = ioasOf(tx, c, access.ioas);
  if (ioas === undefined) throw new Error('model bug: access attached to a dead IOAS');
  const last = a.iova + a.length - 1;
  // iopt_for_each_contig_area(): the areas must cover [iova, last] without a hole.
  let next = a.iova;
  for (const area of ioas.areas) {
    if (area.last < next || area.iova > next) continue;
    next = area.last + 1;
    if (next > last) break;
  }
  if (next <= last) return err('ENOENT');
  const id = f.file.nextItem;
  setFile(tx, f.id, { ...f.file, items: [...f.file.items, { id, iova: a.iova, last }], nextItem: id + 1 });
  return ok(0, { access_pages_id: id });
}
