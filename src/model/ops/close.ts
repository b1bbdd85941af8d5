import type { ActionOf } from '../actions.ts';
import type { FileId } from '../ids.ts';
import { releaseAccessFile } from '../kernel/access.ts';
import { ctxPut, releaseIfUnused } from '../kernel/ctxRefs.ts';
import { fileAt, lookupFd, removeFd, setFile } from '../kernel/files.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { deviceClose } from '../kernel/vfioDevice.ts';
import { deviceSpec, groupState, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/** close(fd): drops the fd; the file's release runs when its last fd goes (and, for an iommufd, its last
 * kernel reference). Always 0 for an open fd. */
export function close(tx: Tx, a: ActionOf<'close'>): OpResult {
  const t = lookupFd(tx, a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  if (removeFd(tx, a.actor, a.fd, t.id)) release(tx, t.id);
  return ok(0);
}

function release(tx: Tx, id: FileId): void {
  const file = fileAt(tx, id);
  switch (file.kind) {
    case 'iommufd':
      // iommufd_fops_release() runs once the file's refcount (fds + iommufd_ctx_get() holders) is zero.
      releaseIfUnused(tx, file.ctx);
      return;
    case 'group': {
      // group.c vfio_group_fops_release(): puts group->iommufd like UNSET_CONTAINER, with no device check.
      setFile(tx, id, undefined);
      const g = groupState(tx, file.group);
      setGroup(tx, file.group, { file: null, iommufd: null, cachedCompatId: null });
      if (g.iommufd !== null) {
        emit(tx, { kind: 'group_iommufd_cleared', group: file.group, ctx: g.iommufd });
        ctxPut(tx, g.iommufd);
      }
      return;
    }
    case 'device': {
      // vfio_df_group_close(): v6.6+ closes through df->iommufd; v6.2-v6.4 vfio_device_group_close() passes
      // group->iommufd as it is *now*, NULL after UNSET_CONTAINER (kernel-history.md L1).
      setFile(tx, id, undefined);
      const via = tx.sem.closeUsesDfIommufd ? file.iommufd : groupState(tx, deviceSpec(tx, file.device).group).iommufd;
      deviceClose(tx, file.device, via, 'vfio_device_group_close');
      return;
    }
    case 'cdev': {
      // device_cdev.c vfio_df_unbind_iommufd(): only a bound file closes, puts the ictx and unblocks the group.
      setFile(tx, id, undefined);
      if (file.bound === null) return;
      deviceClose(tx, file.device, file.bound, 'vfio_df_unbind_iommufd');
      const g = deviceSpec(tx, file.device).group;
      setGroup(tx, g, { cdevOpenCnt: groupState(tx, g).cdevOpenCnt - 1 });
      ctxPut(tx, file.bound);
      return;
    }
    case 'access':
      releaseAccessFile(tx, id, file);
      return;
    default: {
      const never: never = file;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}
