// vfio device open and close on the group path and the cdev path (vfio_main.c vfio_df_open()/vfio_df_close(),
// group.c vfio_df_group_open()/vfio_device_group_open(), iommufd.c vfio_iommufd_compat_attach_ioas()).
import type { FaultPoint } from '../actions.ts';
import type { Errno } from '../errno.ts';
import { type CtxId, type DeviceIdx, type GroupIdx, objectId } from '../ids.ts';
import { compatIoasGetId, compatIoasId } from './compat.ts';
import { attachDevice, bindDevice, unbindDevice } from './device.ts';
import type { Fallible } from './fallible.ts';
import { success } from './fallible.ts';
import { emit, type Tx } from './tx.ts';
import { deviceState, groupState, isNoiommuDevice, setDevice, setGroup } from './vfioState.ts';

/** The compat IOAS id the first open attaches to: v6.2 creates one if missing, v6.3+ ENODEV; the
 * +cached-compat-id variant reuses the id cached at the group's first attach. */
function compatTarget(tx: Tx, g: GroupIdx, c: CtxId, fault: FaultPoint | null): Fallible<number> {
  const cached = groupState(tx, g).cachedCompatId;
  if ((tx.sem.cachedCompatId || tx.sem.uapiComment) && cached !== null) return success(cached);
  return tx.sem.compatCreateAtOpen ? compatIoasId(tx, c, fault) : compatIoasGetId(tx, c);
}

function compatAttach(tx: Tx, d: DeviceIdx, g: GroupIdx, c: CtxId, fault: FaultPoint | null): Errno | null {
  const target = compatTarget(tx, g, c, fault);
  if (!target.ok) return target.errno;
  const r = attachDevice(tx, d, target.value, fault);
  if (!r.ok) return r.errno;
  if (tx.sem.cachedCompatId && groupState(tx, g).cachedCompatId === null)
    setGroup(tx, g, { cachedCompatId: objectId(target.value) });
  return null;
}

/**
 * First-open work of a group-path VFIO_GROUP_GET_DEVICE_FD with an iommufd, in kernel order, undone on failure.
 * v6.2-v6.5 vfio_device_first_open(): bind + compat id + attach (vfio_iommufd_bind), then ops->open_device.
 * v6.6+ vfio_df_open() binds and runs open_device, then vfio_df_group_open() does the compat attach when
 * open_count == 1 and closes (unbinding) on failure. Returns null on success.
 */
export function groupFirstOpen(tx: Tx, d: DeviceIdx, g: GroupIdx, c: CtxId, fault: FaultPoint | null): Errno | null {
  const noiommu = isNoiommuDevice(tx, d);
  if (!tx.sem.closeUsesDfIommufd) {
    // v6.2/v6.3 vfio_iommufd_bind(). v6.3 noiommu: EPERM when a compat IOAS exists, else 0 with nothing bound.
    if (noiommu && tx.sem.noIommuCompat) {
      if (compatIoasGetId(tx, c).ok) return 'EPERM';
    } else if (noiommu) {
      // v6.2 has no noiommu case: iommufd_device_bind() rejects a device without IOMMU_CAP_CACHE_COHERENCY
      // (device.c, v6.2). Inferred: a noiommu device has no IOMMU driver to report the capability.
      return 'EINVAL';
    } else {
      const b = bindDevice(tx, d, c, fault);
      if (!b.ok) return b.errno;
      const e = compatAttach(tx, d, g, c, fault);
      if (e !== null) {
        unbindDevice(tx, d);
        return e;
      }
    }
    if (fault === 'open_device') {
      unbindDevice(tx, d);
      return 'ENOMEM';
    }
    return null;
  }
  // v6.6+: vfio_df_iommufd_bind() (latest: returns 0 for noiommu), then open_device, then the compat attach.
  if (!noiommu) {
    const b = bindDevice(tx, d, c, fault);
    if (!b.ok) return b.errno;
  }
  if (fault === 'open_device') {
    unbindDevice(tx, d);
    return 'ENOMEM';
  }
  if (!noiommu) {
    const e = compatAttach(tx, d, g, c, fault);
    if (e !== null) {
      unbindDevice(tx, d);
      return e;
    }
  }
  return null;
}

/**
 * vfio_df_close(): WARNs when the device is not open (vfio_assert_device_open()), runs the last close
 * (close_device, then unbind) at open_count == 1, and always decrements open_count (B11 underflow).
 * `unbindVia` is the ictx the close path believes the device is bound through: df->iommufd (v6.6+),
 * group->iommufd at close time (v6.2-v6.4), where null means the container branch (WARN, no unbind: L1).
 */
export function deviceClose(tx: Tx, d: DeviceIdx, unbindVia: CtxId | null, where: string): void {
  const st = deviceState(tx, d);
  if (st.openCount <= 0)
    emit(tx, { kind: 'kernel_warn', where: 'vfio_assert_device_open', message: `open_count is ${st.openCount}` });
  if (st.openCount === 1) {
    if (unbindVia !== null) {
      unbindDevice(tx, d);
    } else if (st.binding !== null) {
      emit(tx, {
        kind: 'kernel_warn',
        where,
        message: 'group has no container: vfio_device_group_unuse_iommu() skips the unbind',
      });
    }
  }
  const openCount = deviceState(tx, d).openCount - 1;
  setDevice(tx, d, { openCount });
  emit(tx, { kind: 'device_closed', device: d, openCount });
}
