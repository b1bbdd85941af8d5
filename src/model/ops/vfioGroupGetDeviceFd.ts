import type { ActionOf } from '../actions.ts';
import { compatIoasGetId } from '../kernel/compat.ts';
import { installFd, newFile } from '../kernel/files.ts';
import { target } from '../kernel/target.ts';
import { emit, type Tx } from '../kernel/tx.ts';
import { groupFirstOpen } from '../kernel/vfioDevice.ts';
import { deviceState, groupSpec, groupState, isNoiommuDevice, setDevice } from '../kernel/vfioState.ts';
import { err, type OpResult, ok } from '../result.ts';

/**
 * VFIO_GROUP_GET_DEVICE_FD: group.c vfio_group_ioctl_get_device_fd(): a name not in the group -> ENODEV; no
 * container and no iommufd -> EINVAL. v6.6+ vfio_df_group_open(): a noiommu device's first open gives EPERM if
 * a compat IOAS exists; v6.6-v6.16 otherwise return the fd *without* vfio_df_open() (B11: open_count stays 0,
 * access_granted false). Then open_count++ and, on the first open, bind + compat attach (see groupFirstOpen);
 * a failure undoes the open. Later opens only count.
 */
export function vfioGroupGetDeviceFd(tx: Tx, a: ActionOf<'VFIO_GROUP_GET_DEVICE_FD'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'group');
  if (!t.ok) return err(t.errno);
  const g = t.file.group;
  if (!groupSpec(tx, g).devices.includes(a.device)) return err('ENODEV');
  const c = groupState(tx, g).iommufd;
  if (c === null) return err('EINVAL');
  const d = a.device;
  if (tx.sem.closeUsesDfIommufd && isNoiommuDevice(tx, d) && deviceState(tx, d).openCount === 0) {
    if (compatIoasGetId(tx, c).ok) return err('EPERM');
    if (tx.sem.bugNoiommuOpenSkipsDfOpen) {
      const file = newFile(tx, { kind: 'device', fds: 0, device: d, iommufd: null, accessGranted: false });
      return ok(installFd(tx, a.actor, file));
    }
  }
  const openCount = deviceState(tx, d).openCount + 1;
  setDevice(tx, d, { openCount });
  if (openCount === 1) {
    const e = groupFirstOpen(tx, d, g, c, a.fault);
    if (e !== null) {
      setDevice(tx, d, { openCount: openCount - 1 });
      return err(e);
    }
  }
  const file = newFile(tx, {
    kind: 'device',
    fds: 0,
    device: d,
    iommufd: tx.sem.closeUsesDfIommufd ? c : null,
    accessGranted: true,
  });
  emit(tx, { kind: 'device_opened', device: d, openCount, file });
  return ok(installFd(tx, a.actor, file));
}
