// Selftest access objects (selftest.c IOMMU_TEST_OP_CREATE_ACCESS): an anon-inode file owning an ACCESS object
// (device.c iommufd_access_create(): users = xarray + the driver; an ictx reference) and its pinned items.
import type { Errno } from '../errno.ts';
import type { ActorId, Fd, FileId } from '../ids.ts';
import type { OpenFile } from '../state.ts';
import { ctxPut } from './ctxRefs.ts';
import { lookupFd, setFile } from './files.ts';
import { addUsers, eraseObject, obj } from './objects.ts';
import type { Tx } from './tx.ts';

export type AccessFile = Extract<OpenFile, { kind: 'access' }>;

/** iommufd_access_get() in selftest.c: the fd must be an access file of the selftest, else EBADFD. */
export function accessFile(
  tx: Tx,
  actor: ActorId,
  f: Fd,
):
  | { readonly ok: true; readonly id: FileId; readonly file: AccessFile }
  | { readonly ok: false; readonly errno: Errno } {
  const t = lookupFd(tx, actor, f);
  if (t === undefined || t.file.kind !== 'access') return { ok: false, errno: 'EBADFD' };
  return { ok: true, id: t.id, file: t.file };
}

/** iommufd_test_staccess_release(): unpin every item, iommufd_access_destroy() (detach from the IOAS, erase
 * the ACCESS) and put the ictx reference the access held. */
export function releaseAccessFile(tx: Tx, id: FileId, file: AccessFile): void {
  setFile(tx, id, undefined);
  addUsers(tx, file.ctx, file.access, -1);
  if (obj(tx, file.ctx, file.access).users === 1) eraseObject(tx, file.ctx, file.access, 'kernel');
  ctxPut(tx, file.ctx);
}

/**
 * iommufd_access_notify_unmap() -> the selftest's iommufd_test_access_unmap(): every access attached to `ioas`
 * drops (unpins) the items that intersect [iova, last], so the unmap can proceed.
 */
export function notifyUnmap(tx: Tx, ctx: AccessFile['ctx'], ioas: number, iova: number, last: number): void {
  tx.world.files.forEach((f, i) => {
    if (f?.kind !== 'access' || f.ctx !== ctx) return;
    const a = obj(tx, ctx, f.access);
    if (a.type !== 'ACCESS' || a.ioas !== ioas) return;
    const items = f.items.filter((it) => it.last < iova || it.iova > last);
    if (items.length !== f.items.length) setFile(tx, i as FileId, { ...f, items });
  });
}
