import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { accessFile } from '../kernel/access.ts';
import { setFile } from '../kernel/files.ts';
import { preV64Selftest } from '../kernel/mock.ts';
import { addUsers, ioasOf, obj, putObj } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * IOMMU_TEST_OP_ACCESS_REPLACE_IOAS (v6.5+; EOPNOTSUPP before): iommufd_access_replace() ->
 * iommufd_access_change_ioas(): not an access fd -> EBADFD, not an IOAS -> ENOENT, the same IOAS -> 0; else the
 * access moves its IOAS reference and the old IOAS's pins are dropped (ops->unmap(0, ULONG_MAX)).
 */
export function iommuTestAccessReplaceIoas(tx: Tx, a: ActionOf<'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (preV64Selftest(tx)) return err('EOPNOTSUPP');
  const f = accessFile(tx, a.actor, a.access_fd);
  if (!f.ok) return err(f.errno);
  const c = f.file.ctx;
  if (ioasOf(tx, c, a.ioas_id) === undefined) return err('ENOENT');
  const access = obj(tx, c, f.file.access);
  if (access.type !== 'ACCESS') throw new Error('model bug: access file without ACCESS');
  if (access.ioas === a.ioas_id) return ok(0);
  addUsers(tx, c, objectId(a.ioas_id), 1);
  if (access.ioas !== null) addUsers(tx, c, access.ioas, -1);
  putObj(tx, c, f.file.access, { ...obj(tx, c, f.file.access), ioas: objectId(a.ioas_id) } as typeof access);
  setFile(tx, f.id, { ...f.file, items: [] });
  return ok(0);
}
