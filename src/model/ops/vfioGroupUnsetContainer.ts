import type { ActionOf } from '../actions.ts';
import { ctxPut } from '../kernel/ctxRefs.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { groupState, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/** VFIO_GROUP_UNSET_CONTAINER: group.c vfio_group_ioctl_unset_container(): EINVAL without a container or
 * iommufd; with an iommufd there is no busy check: the reference is put even while devices are open. */
export function vfioGroupUnsetContainer(tx: Tx, a: ActionOf<'VFIO_GROUP_UNSET_CONTAINER'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'group');
  if (!t.ok) return err(t.errno);
  const g = t.file.group;
  const c = groupState(tx, g).iommufd;
  if (c === null) return err('EINVAL');
  setGroup(tx, g, { iommufd: null, cachedCompatId: null });
  emit(tx, { kind: 'group_iommufd_cleared', group: g, ctx: c });
  ctxPut(tx, c);
  return ok(0);
}
