import type { ActionOf } from '../actions.ts';
import { detachDevice } from '../kernel/device.ts';
import { lookupFd } from '../kernel/files.ts';
import { foreignIoctl } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';
import { cdevFlags } from './cdevFlags.ts';

/** VFIO_DEVICE_DETACH_IOMMUFD_PT (v6.6+): behind the access_granted gate; ops->detach_ioas() is a no-op when
 * nothing is attached, so it always returns 0 (device_cdev.c vfio_df_ioctl_detach_pt()). */
export function vfioDeviceDetachIommufdPt(tx: Tx, a: ActionOf<'VFIO_DEVICE_DETACH_IOMMUFD_PT'>): OpResult {
  const t = lookupFd(tx, a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  if (t.file.kind !== 'cdev' || t.file.bound === null) return err(foreignIoctl(t.file));
  // v6.12 vfio_df_ioctl_detach_pt(): `detach.argsz < minsz || detach.flags` -> EINVAL, first.
  const flagsErr = cdevFlags(tx, a.flags, 'PASID detach (VFIO_DEVICE_DETACH_PASID) is outside the model');
  if (flagsErr !== null) return flagsErr;
  detachDevice(tx, t.file.device);
  return ok(0);
}
