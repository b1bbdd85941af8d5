import type { ActionOf } from '../actions.ts';
import { attachDevice, detachDevice } from '../kernel/device.ts';
import { lookupFd } from '../kernel/files.ts';
import { foreignIoctl } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { deviceSpec } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';
import { cdevFlags } from './cdevFlags.ts';

/**
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT (v6.6+): behind the access_granted gate (EINVAL until bound);
 * device_cdev.c vfio_df_ioctl_attach_pt() -> ops->attach_ioas(): attach, or replace when attached. A physical
 * device gets the chosen HWPT id back in pt_id; an emulated one keeps the IOAS id. A failed copy of pt_id
 * detaches (even after a replace) and returns EFAULT. Never reads vfio_ioas.
 */
export function vfioDeviceAttachIommufdPt(tx: Tx, a: ActionOf<'VFIO_DEVICE_ATTACH_IOMMUFD_PT'>): OpResult {
  const t = lookupFd(tx, a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  if (t.file.kind !== 'cdev' || t.file.bound === null) return err(foreignIoctl(t.file));
  // v6.12 vfio_df_ioctl_attach_pt(): `attach.argsz < minsz || attach.flags` -> EINVAL, first.
  const flagsErr = cdevFlags(tx, a.flags, 'PASID attach (VFIO_DEVICE_ATTACH_PASID) is outside the model');
  if (flagsErr !== null) return flagsErr;
  const d = t.file.device;
  const r = attachDevice(tx, d, a.pt_id, a.fault);
  if (!r.ok) return err(r.errno);
  if (a.fault === 'copy_to_user') {
    detachDevice(tx, d);
    return err('EFAULT');
  }
  return ok(0, { pt_id: deviceSpec(tx, d).kind === 'physical' ? r.value : a.pt_id });
}
