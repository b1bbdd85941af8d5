import type { ActionOf } from '../actions.ts';
import type { Errno } from '../errno.ts';
import { ctxGet, ctxPut } from '../kernel/ctxRefs.ts';
import { bindDevice, unbindDevice } from '../kernel/device.ts';
import { lookupFd, setFile } from '../kernel/files.ts';
import { foreignIoctl } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { deviceSpec, deviceState, groupState, setDevice, setGroup } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';
import { cdevFlags } from './cdevFlags.ts';

/**
 * VFIO_DEVICE_BIND_IOMMUFD (v6.6+): device_cdev.c vfio_df_ioctl_bind_iommufd(), dispatched before the
 * access_granted gate: a group-obtained fd -> EINVAL; the group fd is open -> EBUSY (vfio_device_block_group(),
 * which counts cdev_device_open_cnt); already bound -> EINVAL; bad iommufd fd -> EBADF, not an iommufd ->
 * EBADFD; vfio_df_open(): device already open through another fd -> EINVAL; bind errors; a failed copy of
 * out_devid closes again (EFAULT). Never touches vfio_ioas.
 */
export function vfioDeviceBindIommufd(tx: Tx, a: ActionOf<'VFIO_DEVICE_BIND_IOMMUFD'>): OpResult {
  const t = lookupFd(tx, a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  if (t.file.kind !== 'device' && t.file.kind !== 'cdev') return err(foreignIoctl(t.file));
  // v6.12 device_cdev.c: `bind.argsz < minsz || bind.flags || bind.iommufd < 0` -> EINVAL, before the df->group
  // check. Later kernels accept VFIO_DEVICE_BIND_FLAG_TOKEN (bit 0): the VF token is outside the model.
  const flagsErr = cdevFlags(tx, a.flags, 'the VF token (VFIO_DEVICE_BIND_FLAG_TOKEN) is outside the model');
  if (flagsErr !== null) return flagsErr;
  if (t.file.kind === 'device') return err('EINVAL');
  const file = t.file;
  const d = file.device;
  const g = deviceSpec(tx, d).group;
  if (groupState(tx, g).file !== null) return err('EBUSY');
  const unblock = () => setGroup(tx, g, { cdevOpenCnt: groupState(tx, g).cdevOpenCnt - 1 });
  setGroup(tx, g, { cdevOpenCnt: groupState(tx, g).cdevOpenCnt + 1 });
  if (file.bound !== null) {
    unblock();
    return err('EINVAL');
  }
  const ictxFile = lookupFd(tx, a.actor, a.iommufd);
  if (ictxFile === undefined || ictxFile.file.kind !== 'iommufd') {
    unblock();
    return err(ictxFile === undefined ? 'EBADF' : 'EBADFD');
  }
  const c = ictxFile.file.ctx;
  ctxGet(tx, c);
  const fail = (e: Errno): OpResult => {
    ctxPut(tx, c);
    unblock();
    return err(e);
  };
  if (deviceState(tx, d).openCount !== 0) return fail('EINVAL');
  setDevice(tx, d, { openCount: 1 });
  const b = bindDevice(tx, d, c, a.fault);
  if (!b.ok) {
    setDevice(tx, d, { openCount: 0 });
    return fail(b.errno);
  }
  if (a.fault === 'open_device' || a.fault === 'copy_to_user') {
    unbindDevice(tx, d);
    setDevice(tx, d, { openCount: 0 });
    return fail(a.fault === 'open_device' ? 'ENOMEM' : 'EFAULT');
  }
  setFile(tx, t.id, { ...file, bound: c });
  emit(tx, { kind: 'device_opened', device: d, openCount: 1, file: t.id });
  return ok(0, { out_devid: b.value ?? 0 });
}
