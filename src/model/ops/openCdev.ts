import type { ActionOf } from '../actions.ts';
import { installFd, newFile } from '../kernel/files.ts';
import type { Tx } from '../kernel/tx.ts';
import { isNoiommuDevice } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/** open("/dev/vfio/devices/vfioX"): device_cdev.c vfio_device_fops_cdev_open() allocates a df and nothing else.
 * Before v6.6 there is no such node (ENOENT); noiommu devices never get one (vfio.h vfio_device_add()). */
export function openCdev(tx: Tx, a: ActionOf<'open_cdev'>): OpResult {
  if (!tx.sem.cdev || isNoiommuDevice(tx, a.device)) return err('ENOENT');
  const file = newFile(tx, { kind: 'cdev', fds: 0, device: a.device, bound: null });
  return ok(installFd(tx, a.actor, file));
}
