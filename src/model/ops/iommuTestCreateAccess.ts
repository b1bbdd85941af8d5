import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { ctxGet } from '../kernel/ctxRefs.ts';
import { installFd, newFile } from '../kernel/files.ts';
import { MOCK_DEVICE } from '../kernel/mock.ts';
import { addUsers, createObject, ioasOf } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES (iommufd_test.h). */
export const NEEDS_PIN_PAGES = 1;

/**
 * IOMMU_TEST_OP_CREATE_ACCESS: selftest.c iommufd_test_create_access(): flags beyond NEEDS_PIN_PAGES ->
 * EOPNOTSUPP; iommufd_access_create() + attach to ioas_id (ENOENT unless an IOAS): an ACCESS object (an id,
 * users = xarray + driver) holding an IOAS reference and an ictx reference; out: access_fd, a new fd.
 */
export function iommuTestCreateAccess(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_CREATE_ACCESS'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if ((a.flags & ~NEEDS_PIN_PAGES) !== 0) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  if (ioasOf(tx, c, a.ioas_id) === undefined) return err('ENOENT');
  const ioas = objectId(a.ioas_id);
  const access = createObject(tx, c, { type: 'ACCESS', device: MOCK_DEVICE, ioas }, 1);
  addUsers(tx, c, ioas, 1);
  ctxGet(tx, c);
  const file = newFile(tx, {
    kind: 'access',
    fds: 0,
    ctx: c,
    access,
    needsPin: (a.flags & NEEDS_PIN_PAGES) !== 0,
    items: [],
    nextItem: 0,
  });
  return ok(0, { access_fd: installFd(tx, a.actor, file) });
}
