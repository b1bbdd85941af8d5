import type { ActionOf } from '../actions.ts';
import { installFd, newFile } from '../kernel/files.ts';
import type { Tx } from '../kernel/tx.ts';
import { groupState, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/** open("/dev/vfio/$GROUP"): group.c vfio_group_fops_open(), v6.6+: EBUSY while a cdev of the group is
 * bound (cdev_device_open_cnt), then EBUSY if already open (opened_file). Actors are root (CAP_SYS_RAWIO). */
export function openGroup(tx: Tx, a: ActionOf<'open_group'>): OpResult {
  const g = groupState(tx, a.group);
  if (g.cdevOpenCnt > 0) return err('EBUSY');
  if (g.file !== null) return err('EBUSY');
  const file = newFile(tx, { kind: 'group', fds: 0, group: a.group });
  setGroup(tx, a.group, { file });
  return ok(installFd(tx, a.actor, file));
}
