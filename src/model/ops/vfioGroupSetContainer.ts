import type { ActionOf } from '../actions.ts';
import { compatIoasCreate, compatIoasId, compatSetNoIommu } from '../kernel/compat.ts';
import { ctxGet, ctxPut } from '../kernel/ctxRefs.ts';
import { lookupFd } from '../kernel/files.ts';
import { ctxOf } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { groupSpec, groupState, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_GROUP_SET_CONTAINER with an iommufd: group.c vfio_group_ioctl_set_container(): bad container fd -> EBADF;
 * group already has a container or iommufd -> EINVAL; not an iommufd (nor a legacy container) -> EBADFD.
 * iommufd_ctx_from_file() takes an ictx reference, kept in group->iommufd on success.
 * v6.2: iommufd_vfio_compat_ioas_id() creates the compat IOAS; on failure the error path puts the still-NULL
 * group->iommufd: a NULL dereference, and the new reference leaks (B1, fixed by d649c34cb916 in v6.3).
 * v6.3+: noiommu group -> iommufd_vfio_compat_set_no_iommu() (EINVAL if a compat IOAS exists), else
 * iommufd_vfio_compat_ioas_create() (EINVAL in no_iommu_mode); on failure the reference is put.
 */
export function vfioGroupSetContainer(tx: Tx, a: ActionOf<'VFIO_GROUP_SET_CONTAINER'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'group');
  if (!t.ok) return err(t.errno);
  const container = lookupFd(tx, a.actor, a.container_fd);
  if (container === undefined) return err('EBADF');
  const g = t.file.group;
  if (groupState(tx, g).iommufd !== null) return err('EINVAL');
  if (container.file.kind !== 'iommufd') return err('EBADFD');
  const c = container.file.ctx;
  ctxGet(tx, c);
  if (!tx.sem.noIommuCompat) {
    const r = compatIoasId(tx, c, a.fault);
    if (!r.ok) {
      emit(tx, {
        kind: 'kernel_oops',
        where: 'vfio_group_ioctl_set_container',
        message: 'iommufd_ctx_put(group->iommufd) on NULL; the new ictx reference leaks',
      });
      return err(r.errno);
    }
  } else {
    const r = groupSpec(tx, g).kind === 'noiommu' ? compatSetNoIommu(tx, c) : compatIoasCreate(tx, c, a.fault);
    if (!r.ok) {
      ctxPut(tx, c);
      return err(r.errno);
    }
  }
  // +uapi-comment: the group keeps the IOAS it got here ("VFIO will continue to use that ioas").
  const pinned = tx.sem.uapiComment ? ctxOf(tx, c).vfioIoas : null;
  setGroup(tx, g, { iommufd: c, cachedCompatId: pinned });
  emit(tx, { kind: 'group_iommufd_set', group: g, ctx: c });
  return ok(0);
}
