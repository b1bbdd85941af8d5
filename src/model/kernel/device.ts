// The iommufd side of a vfio device and the vfio "standard ops" that drive it (drivers/vfio/iommufd.c on top of
// drivers/iommu/iommufd/device.c): bind, attach (auto domain or HWPT), replace, detach, unbind.

import type { FaultPoint } from '../actions.ts';
import type { Errno } from '../errno.ts';
import type { CtxId, DeviceIdx, ObjectId } from '../ids.ts';
import type { DeviceObject, HwptObject, IoasObject } from '../state.ts';
import { ctxGet, ctxPut } from './ctxRefs.ts';
import { type Fallible, failure, success } from './fallible.ts';
import { addRealDomainError, devResvError } from './iovaGeometry.ts';
import { addUsers, createObject, ctxOf, eraseObject, getObj, ioasOf, obj, putObj } from './objects.ts';
import { emit, type Tx } from './tx.ts';
import { deviceSpec, deviceState, groupSpec, setDevice } from './vfioState.ts';

function idevOf(tx: Tx, c: CtxId, id: ObjectId): DeviceObject {
  const o = obj(tx, c, id);
  if (o.type !== 'DEVICE') throw new Error(`model bug: object ${id} is not a DEVICE`);
  return o;
}

function hwptOf(tx: Tx, c: CtxId, id: ObjectId): HwptObject {
  const o = obj(tx, c, id);
  if (o.type !== 'HWPT_PAGING') throw new Error(`model bug: object ${id} is not a HWPT`);
  return o;
}

/** The IOAS a HWPT is on (it holds a reference, so the IOAS is live). */
function parentIoas(tx: Tx, c: CtxId, h: ObjectId): IoasObject {
  const ioas = ioasOf(tx, c, hwptOf(tx, c, h).ioas);
  if (ioas === undefined) throw new Error(`model bug: the IOAS of HWPT ${h} is gone`);
  return ioas;
}

/** The HWPT the device's iommu group is attached to in ctx `c` through another bound device, if any. */
function groupHwpt(tx: Tx, c: CtxId, d: DeviceIdx): ObjectId | null {
  for (const other of groupSpec(tx, deviceSpec(tx, d).group).devices) {
    if (other === d) continue;
    const b = deviceState(tx, other).binding;
    if (b?.kind !== 'idev' || b.ctx !== c) continue;
    const h = idevOf(tx, c, b.id).hwpt;
    if (h !== null) return h;
  }
  return null;
}

/**
 * iommufd_device_bind() via vfio_iommufd_physical_bind(): claims DMA ownership for the ictx (EPERM when another
 * device of the group is bound to another ictx), creates the DEVICE (users: xarray + driver) and takes an ictx
 * reference. Emulated devices: v6.2-v6.3 only take the ictx reference; v6.4+ iommufd_access_create().
 */
export function bindDevice(tx: Tx, d: DeviceIdx, c: CtxId, fault: FaultPoint | null): Fallible<ObjectId | null> {
  const spec = deviceSpec(tx, d);
  if (spec.kind === 'emulated') {
    if (!tx.sem.emulatedAccessAtBind) {
      ctxGet(tx, c);
      setDevice(tx, d, { binding: { kind: 'access', ctx: c, id: null } });
      emit(tx, { kind: 'device_bound', device: d, ctx: c, id: null });
      return success(null);
    }
    if (fault === 'device_bind') return failure('ENOMEM');
    const id = createObject(tx, c, { type: 'ACCESS', device: d, ioas: null }, 1);
    ctxGet(tx, c);
    setDevice(tx, d, { binding: { kind: 'access', ctx: c, id } });
    emit(tx, { kind: 'device_bound', device: d, ctx: c, id });
    return success(id);
  }
  // iommu.c iommu_device_claim_dma_owner(dev, ictx), v6.2+: the group's owner cookie is an ictx; owned by
  // another owner -> EPERM (EBUSY is the group-level iommu_group_claim_dma_owner() of the legacy container).
  // Found by the lab's fuzzer (scenarios/kernel-found/). A binding left behind by a close that skipped the
  // unbind (L1, v6.2/v6.3) still owns the group, including this device's own.
  for (const other of groupSpec(tx, spec.group).devices) {
    const b = deviceState(tx, other).binding;
    if (b !== null && b.kind === 'idev' && b.ctx !== c) return failure('EPERM');
  }
  if (fault === 'device_bind') return failure('ENOMEM');
  const id = createObject(tx, c, { type: 'DEVICE', device: d, hwpt: null }, 1);
  ctxGet(tx, c);
  // +bug-attached-at-bind: the review-caught defect set iommufd_attached here instead of after the attach.
  setDevice(tx, d, { binding: { kind: 'idev', ctx: c, id }, ...(tx.sem.bugAttachedAtBind ? { attached: true } : {}) });
  emit(tx, { kind: 'device_bound', device: d, ctx: c, id });
  return success(id);
}

/** A group attached elsewhere: v6.2 iommu_attach_group() gives EBUSY; the igroup code (v6.4+) EINVAL. */
const groupConflict = (tx: Tx): Errno => (tx.sem.attachReplace ? 'EINVAL' : 'EBUSY');

/** iommufd_device_do_attach() / iommufd_hw_pagetable_attach(): the error it would give, without side effects:
 * another HWPT on the group; the device's reserved regions over an area of the HWPT's IOAS
 * (iommufd_device_attach_reserved_iova(): EADDRINUSE); the IOMMU's attach. */
function attachError(tx: Tx, c: CtxId, d: DeviceIdx, hwpt: ObjectId, fault: FaultPoint | null): Errno | null {
  const g = groupHwpt(tx, c, d);
  if (g !== null && g !== hwpt) return groupConflict(tx);
  const resv = devResvError(tx, parentIoas(tx, c, hwpt));
  if (resv !== null) return resv;
  if (fault === 'attach') return 'ENOMEM';
  return null;
}

function linkDevice(tx: Tx, c: CtxId, d: DeviceIdx, idevId: ObjectId, hwpt: ObjectId, replace: boolean): void {
  const idev = idevOf(tx, c, idevId);
  putObj(tx, c, idevId, { ...idev, hwpt, users: idev.users + (replace ? 0 : 1) });
  addUsers(tx, c, hwpt, 1);
  const h = hwptOf(tx, c, hwpt);
  setDevice(tx, d, { attached: true });
  emit(tx, {
    kind: 'device_attached',
    device: d,
    ctx: c,
    pt: hwpt,
    ioas: h.ioas,
    ioasSerial: obj(tx, c, h.ioas).serial,
    replace,
  });
}

/** Allocates an auto-domain HWPT on `ioas` (iommufd_hw_pagetable_alloc(): the HWPT holds an IOAS reference). */
function allocAutoHwpt(tx: Tx, c: CtxId, ioas: ObjectId): ObjectId {
  const id = createObject(tx, c, { type: 'HWPT_PAGING', ioas, auto: true, mock: false }, 0);
  const parent = ioasOf(tx, c, ioas);
  if (parent === undefined) throw new Error('model bug: auto HWPT parent vanished');
  putObj(tx, c, ioas, { ...parent, users: parent.users + 1, hwptList: [...parent.hwptList, id] });
  return id;
}

/**
 * iommufd_device_auto_get_domain(): try each auto HWPT on the IOAS in list order (EINVAL means "incompatible,
 * try the next"; any other error is returned), else allocate a new auto HWPT and attach to it.
 */
function attachAuto(
  tx: Tx,
  c: CtxId,
  d: DeviceIdx,
  idevId: ObjectId,
  ioas: ObjectId,
  fault: FaultPoint | null,
): Fallible<ObjectId> {
  const parent = ioasOf(tx, c, ioas);
  if (parent === undefined) throw new Error('model bug: attachAuto on a non-IOAS');
  for (const h of parent.hwptList) {
    if (!hwptOf(tx, c, h).auto) continue;
    const e = attachError(tx, c, d, h, fault);
    if (e === null) {
      linkDevice(tx, c, d, idevId, h, false);
      return success(h);
    }
    if (e !== 'EINVAL') return failure(e);
  }
  if (fault === 'hwpt_alloc') return failure('ENOMEM');
  // The new HWPT is aborted if its attach fails; checking first keeps the abort invisible, as it is sequentially.
  // hw_pagetable.c iommufd_hwpt_paging_alloc(immediate_attach): the attach (group, reserved regions, the IOMMU),
  // then iopt_table_add_domain() (alignment and aperture over the existing areas).
  const g = groupHwpt(tx, c, d);
  if (g !== null) return failure(groupConflict(tx));
  const resv = devResvError(tx, parent);
  if (resv !== null) return failure(resv);
  if (fault === 'attach') return failure('ENOMEM');
  const dom = addRealDomainError(tx, c, parent);
  if (dom !== null) return failure(dom);
  const h = allocAutoHwpt(tx, c, ioas);
  linkDevice(tx, c, d, idevId, h, false);
  return success(h);
}

/** iommufd_device_attach(idev, pt_id): ENOENT for a missing id, EINVAL for an object that is neither. */
function attachPhysical(
  tx: Tx,
  c: CtxId,
  d: DeviceIdx,
  idevId: ObjectId,
  ptId: number,
  fault: FaultPoint | null,
): Fallible<ObjectId> {
  const pt = getObj(ctxOf(tx, c), ptId);
  if (pt === undefined) return failure('ENOENT');
  switch (pt.type) {
    case 'IOAS':
      return attachAuto(tx, c, d, idevId, ptId as ObjectId, fault);
    case 'HWPT_PAGING': {
      const e = attachError(tx, c, d, ptId as ObjectId, fault);
      if (e !== null) return failure(e);
      // +bug-hwpt-list-double-add (B3, v6.2.0-6.2.2 iommufd_device_do_attach(), fixed by b4ff830eca09): the
      // first device attached by HWPT id list_add()s the HWPT to its IOAS's hwpt_list a second time.
      if (tx.sem.bugHwptListDoubleAdd && pt.users === 1) {
        const parent = ioasOf(tx, c, pt.ioas);
        if (parent !== undefined)
          putObj(tx, c, pt.ioas, { ...parent, hwptList: [...parent.hwptList, ptId as ObjectId] });
      }
      linkDevice(tx, c, d, idevId, ptId as ObjectId, false);
      return success(ptId as ObjectId);
    }
    case 'DEVICE':
    case 'ACCESS':
    case 'SELFTEST':
      return failure('EINVAL');
    default: {
      const never: never = pt;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

/** Moves every device of the group attached to `from` onto `to` (iommufd_device_do_replace()). */
function moveGroup(tx: Tx, c: CtxId, d: DeviceIdx, from: ObjectId, to: ObjectId): void {
  for (const member of groupSpec(tx, deviceSpec(tx, d).group).devices) {
    const b = deviceState(tx, member).binding;
    if (b?.kind !== 'idev' || b.ctx !== c || idevOf(tx, c, b.id).hwpt !== from) continue;
    linkDevice(tx, c, member, b.id, to, true);
    putHwpt(tx, c, from);
  }
}

/** iommufd_device_replace() (v6.6+): EINVAL unless attached; same HWPT is a no-op; the whole group moves. */
function replacePhysical(
  tx: Tx,
  c: CtxId,
  d: DeviceIdx,
  idevId: ObjectId,
  ptId: number,
  fault: FaultPoint | null,
): Fallible<ObjectId> {
  const current = idevOf(tx, c, idevId).hwpt;
  if (current === null) return failure('EINVAL');
  const pt = getObj(ctxOf(tx, c), ptId);
  if (pt === undefined) return failure('ENOENT');
  let target: ObjectId;
  if (pt.type === 'HWPT_PAGING') {
    target = ptId as ObjectId;
  } else if (pt.type === 'IOAS') {
    const existing = pt.hwptList.find((h) => hwptOf(tx, c, h).auto);
    if (existing !== undefined) {
      target = existing;
    } else {
      // A replace allocates without immediate attach: iopt_table_add_domain() first, then
      // iommufd_group_do_replace_reserved_iova() (EADDRINUSE both), then the IOMMU.
      if (fault === 'hwpt_alloc') return failure('ENOMEM');
      const dom = addRealDomainError(tx, c, pt);
      if (dom !== null) return failure(dom);
      const resv = devResvError(tx, pt);
      if (resv !== null) return failure(resv);
      if (fault === 'attach') return failure('ENOMEM');
      target = allocAutoHwpt(tx, c, ptId as ObjectId);
      moveGroup(tx, c, d, current, target);
      return success(target);
    }
  } else {
    return failure('EINVAL');
  }
  if (target === current) return success(current);
  const resv = devResvError(tx, parentIoas(tx, c, target));
  if (resv !== null) return failure(resv);
  if (fault === 'attach') return failure('ENOMEM');
  moveGroup(tx, c, d, current, target);
  return success(target);
}

/** Drops a device's HWPT reference; an auto HWPT is destroyed with its last device (iommufd_hw_pagetable_put()). */
function putHwpt(tx: Tx, c: CtxId, h: ObjectId): void {
  if (hwptOf(tx, c, h).auto) {
    addUsers(tx, c, h, -1);
    if (hwptOf(tx, c, h).users === 1) eraseObject(tx, c, h, 'kernel');
  } else {
    addUsers(tx, c, h, -1);
  }
}

/**
 * vfio ops->attach_ioas. Physical: attach, or (v6.6+ when attached) replace; returns the HWPT id.
 * Emulated: v6.2 creates the ACCESS on the IOAS; v6.4 attaches (EBUSY if attached); v6.6+ attaches or replaces.
 * Access targets must be an IOAS (ENOENT otherwise); returns the IOAS id.
 */
export function attachDevice(tx: Tx, d: DeviceIdx, ptId: number, fault: FaultPoint | null): Fallible<ObjectId> {
  const b = deviceState(tx, d).binding;
  if (b === null) throw new Error('model bug: attach of an unbound device');
  if (b.kind === 'idev') {
    if (deviceState(tx, d).attached && tx.sem.attachReplace) return replacePhysical(tx, b.ctx, d, b.id, ptId, fault);
    return attachPhysical(tx, b.ctx, d, b.id, ptId, fault);
  }
  const ioas = ioasOf(tx, b.ctx, ptId);
  if (b.id === null) {
    // v6.2 vfio_iommufd_emulated_attach_ioas(): iommufd_access_create(ictx, *pt_id, ...).
    if (ioas === undefined) return failure('ENOENT');
    if (fault === 'attach') return failure('ENOMEM');
    const id = createObject(tx, b.ctx, { type: 'ACCESS', device: d, ioas: ptId as ObjectId }, 1);
    ctxGet(tx, b.ctx);
    addUsers(tx, b.ctx, ptId as ObjectId, 1);
    setDevice(tx, d, { binding: { ...b, id }, attached: true });
    emit(tx, {
      kind: 'device_attached',
      device: d,
      ctx: b.ctx,
      pt: ptId as ObjectId,
      ioas: ptId as ObjectId,
      ioasSerial: ioas.serial,
      replace: false,
    });
    return success(ptId as ObjectId);
  }
  const access = obj(tx, b.ctx, b.id);
  if (access.type !== 'ACCESS') throw new Error('model bug: access binding without ACCESS');
  const wasAttached = deviceState(tx, d).attached;
  if (wasAttached && !tx.sem.attachReplace) return failure('EBUSY');
  if (ioas === undefined) return failure('ENOENT');
  if (wasAttached && access.ioas === ptId) return success(ptId as ObjectId);
  if (fault === 'attach') return failure('ENOMEM');
  if (access.ioas !== null) addUsers(tx, b.ctx, access.ioas, -1);
  addUsers(tx, b.ctx, ptId as ObjectId, 1);
  putObj(tx, b.ctx, b.id, { ...obj(tx, b.ctx, b.id), ioas: ptId as ObjectId } as typeof access);
  setDevice(tx, d, { attached: true });
  emit(tx, {
    kind: 'device_attached',
    device: d,
    ctx: b.ctx,
    pt: ptId as ObjectId,
    ioas: ptId as ObjectId,
    ioasSerial: ioas.serial,
    replace: wasAttached,
  });
  return success(ptId as ObjectId);
}

/** vfio ops->detach_ioas / the detach inside unbind: a no-op when not attached. */
export function detachDevice(tx: Tx, d: DeviceIdx): void {
  const st = deviceState(tx, d);
  const b = st.binding;
  if (b === null || !st.attached) return;
  if (b.kind === 'idev') {
    const idev = idevOf(tx, b.ctx, b.id);
    if (idev.hwpt === null) {
      // Only reachable after L1: a re-bind overwrote vdev->iommufd_device but left iommufd_attached set, so
      // vfio_iommufd_physical_unbind() detaches an idev that was never attached: idev->hwpt is NULL.
      emit(tx, {
        kind: 'kernel_oops',
        where: 'iommufd_device_detach',
        message: 'NULL idev->hwpt: iommufd_attached was stale',
      });
      setDevice(tx, d, { attached: false });
      return;
    }
    putObj(tx, b.ctx, b.id, { ...idev, hwpt: null, users: idev.users - 1 });
    putHwpt(tx, b.ctx, idev.hwpt);
  } else if (b.id !== null) {
    const access = obj(tx, b.ctx, b.id);
    if (access.type !== 'ACCESS') throw new Error('model bug: access binding without ACCESS');
    if (access.ioas === null) {
      emit(tx, {
        kind: 'kernel_warn',
        where: 'iommufd_access_detach',
        message: 'access not attached: iommufd_attached was stale',
      });
      setDevice(tx, d, { attached: false });
      return;
    }
    addUsers(tx, b.ctx, access.ioas, -1);
    putObj(tx, b.ctx, b.id, { ...obj(tx, b.ctx, b.id), ioas: null } as typeof access);
  }
  setDevice(tx, d, { attached: false });
  emit(tx, { kind: 'device_detached', device: d, ctx: b.ctx });
}

/** vfio ops->unbind_iommufd: detach, then destroy the DEVICE/ACCESS (its id becomes free) and put the ictx. */
export function unbindDevice(tx: Tx, d: DeviceIdx): void {
  const b = deviceState(tx, d).binding;
  if (b === null) return;
  // +bug-emulated-unbind-skipped: `if (!vdev->iommufd_device) return;` returns early for every emulated device.
  if (tx.sem.bugEmulatedUnbindSkipped && b.kind === 'access') return;
  detachDevice(tx, d);
  if (b.id !== null) {
    addUsers(tx, b.ctx, b.id, -1);
    const o = obj(tx, b.ctx, b.id);
    if (o.users === 1) eraseObject(tx, b.ctx, b.id, 'kernel');
    else
      emit(tx, { kind: 'kernel_warn', where: 'iommufd_device_unbind', message: `object ${b.id} has ${o.users} users` });
    // iommufd_access_destroy() / iommufd_device_destroy() drop the object's own ictx reference.
    ctxPut(tx, b.ctx);
  }
  if (b.kind === 'access' && !tx.sem.emulatedAccessAtBind) {
    // v6.2 vfio_iommufd_emulated_unbind(): iommufd_ctx_put(vdev->iommufd_ictx), the bind's reference.
    ctxPut(tx, b.ctx);
  }
  setDevice(tx, d, { binding: null, attached: false });
  emit(tx, { kind: 'device_unbound', device: d, ctx: b.ctx, id: b.id });
}
