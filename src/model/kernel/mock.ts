// The iommufd selftest's mock devices (drivers/iommu/iommufd/selftest.c). v6.4+: MOCK_DOMAIN creates a SELFTEST
// object and binds a mock device (a DEVICE object, its own iommu group) and attaches it like any device.
// v6.2/v6.3: no DEVICE; iommufd_device_selftest_attach() allocates a fresh HWPT for the mock device.
import type { Errno } from '../errno.ts';
import { type CtxId, deviceIdx, type ObjectId, objectId } from '../ids.ts';
import type { DeviceObject, HwptObject, SelftestObject } from '../state.ts';
import { type Fallible, failure, success } from './fallible.ts';
import { addUsers, createObject, ctxOf, eraseObject, getObj, ioasOf, obj, putObj } from './objects.ts';
import type { Tx } from './tx.ts';

/** The device index of every mock device: outside the topology (mock_dev_create() makes a new device). */
export const MOCK_DEVICE = deviceIdx(-1);

/** MOCK_IO_PAGE_SIZE, MOCK_APERTURE_START, MOCK_APERTURE_LAST (selftest.c, 4 KiB pages). */
export const MOCK_PAGE_SIZE = 2048;
export const MOCK_APERTURE_START = 2 ** 24;
export const MOCK_APERTURE_LAST = 2 ** 31 - 1;

/** The selftest changed with the kernel, not with a design flag: v6.4 made the mock a real driver (out_idev_id)
 * and v6.5 added MOCK_DOMAIN_REPLACE and ACCESS_REPLACE_IOAS. The profiles between are v6.2/v6.3 and v6.6+. */
export const preV64Selftest = (tx: Tx): boolean => tx.sem.version === 'v6.2' || tx.sem.version === 'v6.3';

export const isMockIdev = (o: DeviceObject): boolean => o.device < 0;

function mockIdev(tx: Tx, c: CtxId, id: ObjectId): DeviceObject {
  const o = obj(tx, c, id);
  if (o.type !== 'DEVICE') throw new Error(`model bug: selftest idev ${id} is not a DEVICE`);
  return o;
}

function hwptOf(tx: Tx, c: CtxId, id: ObjectId): HwptObject {
  const o = obj(tx, c, id);
  if (o.type !== 'HWPT_PAGING') throw new Error(`model bug: object ${id} is not a HWPT`);
  return o;
}

/** A HWPT on `ioas` holding an IOAS reference and listed on its hwpt_list (its domain is in the iopt). */
function allocHwpt(tx: Tx, c: CtxId, ioas: ObjectId, auto: boolean, extraUsers: number): ObjectId {
  const id = createObject(tx, c, { type: 'HWPT_PAGING', ioas, auto, mock: true }, extraUsers);
  const parent = ioasOf(tx, c, ioas);
  if (parent === undefined) throw new Error('model bug: HWPT parent vanished');
  putObj(tx, c, ioas, { ...parent, users: parent.users + 1, hwptList: [...parent.hwptList, id] });
  return id;
}

/** Drops a device's HWPT reference; an auto HWPT goes with its last device (iommufd_hw_pagetable_put()). */
function putHwpt(tx: Tx, c: CtxId, h: ObjectId): void {
  addUsers(tx, c, h, -1);
  const o = hwptOf(tx, c, h);
  if (o.auto && o.users === 1) eraseObject(tx, c, h, 'kernel');
}

type Pt =
  | { readonly kind: 'hwpt'; readonly id: ObjectId }
  | { readonly kind: 'new-auto'; readonly ioas: ObjectId }
  | { readonly kind: 'error'; readonly errno: Errno };

/**
 * The HWPT `pt_id` names for a mock device: a HWPT itself, or for an IOAS the first auto HWPT on its hwpt_list
 * (the mock attach_dev never refuses, so iommufd_device_auto_get_domain() takes the first), else a new auto
 * HWPT. ENOENT for a missing id, EINVAL for another type (iommufd_device_attach() / _replace()).
 */
function resolvePt(tx: Tx, c: CtxId, ptId: number): Pt {
  const pt = getObj(ctxOf(tx, c), ptId);
  if (pt === undefined) return { kind: 'error', errno: 'ENOENT' };
  if (pt.type === 'HWPT_PAGING') return { kind: 'hwpt', id: objectId(ptId) };
  if (pt.type !== 'IOAS') return { kind: 'error', errno: 'EINVAL' };
  const h = pt.hwptList.find((x) => hwptOf(tx, c, x).auto);
  return h === undefined ? { kind: 'new-auto', ioas: objectId(ptId) } : { kind: 'hwpt', id: h };
}

const hwptFor = (tx: Tx, c: CtxId, pt: Exclude<Pt, { kind: 'error' }>): ObjectId =>
  pt.kind === 'hwpt' ? pt.id : allocHwpt(tx, c, pt.ioas, true, 0);

function link(tx: Tx, c: CtxId, idevId: ObjectId, hwpt: ObjectId, replace: boolean): void {
  const idev = mockIdev(tx, c, idevId);
  putObj(tx, c, idevId, { ...idev, hwpt, users: idev.users + (replace ? 0 : 1) });
  addUsers(tx, c, hwpt, 1);
}

/**
 * iopt_table_add_domain() for a new mock domain: reserving everything outside the aperture fails with
 * EADDRINUSE when an area or an allowed range lies there (iopt_reserve_iova()).
 */
function addDomainError(tx: Tx, c: CtxId, ioas: number): Errno | null {
  const o = ioasOf(tx, c, ioas);
  if (o === undefined) return null;
  const outside = (start: number, last: number) => start < MOCK_APERTURE_START || last > MOCK_APERTURE_LAST;
  if (o.areas.some((a) => outside(a.iova, a.last)) || o.allowed.some((r) => outside(r.start, r.last)))
    return 'EADDRINUSE';
  return null;
}

export interface MockDomain {
  readonly stdev: ObjectId;
  readonly idev: ObjectId | null;
  readonly hwpt: ObjectId;
}

/**
 * IOMMU_TEST_OP_MOCK_DOMAIN. v6.4+ iommufd_test_mock_domain(): SELFTEST object (stdev_id), iommufd_device_bind()
 * of the mock device (DEVICE, idev_id; users: xarray + the selftest object), iommufd_device_attach(idev, pt_id).
 * A failed attach aborts both objects. Mock devices take no ictx reference (iommufd_selftest_is_mock_dev()).
 * v6.2/v6.3: iommufd_get_ioas(cmd->id) (ENOENT unless an IOAS), the SELFTEST object, then
 * iommufd_device_selftest_attach(): a new, non-auto HWPT held by the selftest object (users 2).
 */
export function createMockDevice(tx: Tx, c: CtxId, ptId: number): Fallible<MockDomain> {
  if (preV64Selftest(tx)) {
    if (ioasOf(tx, c, ptId) === undefined) return failure('ENOENT');
    const e = addDomainError(tx, c, ptId);
    if (e !== null) return failure(e);
    const stdev = createObject(tx, c, { type: 'SELFTEST', mock: { kind: 'hwpt', id: objectId(0) } }, 0);
    const hwpt = allocHwpt(tx, c, objectId(ptId), false, 1);
    putObj(tx, c, stdev, { ...obj(tx, c, stdev), mock: { kind: 'hwpt', id: hwpt } } as SelftestObject);
    return success({ stdev, idev: null, hwpt });
  }
  const r = resolvePt(tx, c, ptId);
  if (r.kind === 'error') return failure(r.errno);
  const e = r.kind === 'new-auto' ? addDomainError(tx, c, r.ioas) : null;
  if (e !== null) return failure(e);
  // Allocation order: the selftest object, then the DEVICE, then (auto) the HWPT.
  const stdev = createObject(tx, c, { type: 'SELFTEST', mock: { kind: 'idev', id: objectId(0) } }, 0);
  const idev = createObject(tx, c, { type: 'DEVICE', device: MOCK_DEVICE, hwpt: null }, 1);
  putObj(tx, c, stdev, { ...obj(tx, c, stdev), mock: { kind: 'idev', id: idev } } as SelftestObject);
  const hwpt = hwptFor(tx, c, r);
  link(tx, c, idev, hwpt, false);
  return success({ stdev, idev, hwpt });
}

/** iommufd_device_replace() for a mock device (v6.5+): the same HWPT is a no-op; the old HWPT is put. */
export function replaceMockDevice(tx: Tx, c: CtxId, idevId: ObjectId, ptId: number): Fallible<ObjectId> {
  const current = mockIdev(tx, c, idevId).hwpt;
  if (current === null) return failure('EINVAL');
  const r = resolvePt(tx, c, ptId);
  if (r.kind === 'error') return failure(r.errno);
  if (r.kind === 'hwpt' && r.id === current) return success(current);
  const e = r.kind === 'new-auto' ? addDomainError(tx, c, r.ioas) : null;
  if (e !== null) return failure(e);
  const target = hwptFor(tx, c, r);
  link(tx, c, idevId, target, true);
  putHwpt(tx, c, current);
  return success(target);
}

/** iommufd_selftest_destroy(): v6.4+ detach and unbind the mock device; v6.2/v6.3
 * iommufd_device_selftest_detach() drops the HWPT reference (the HWPT stays until destroyed). */
export function destroyMockDevice(tx: Tx, c: CtxId, mock: SelftestObject['mock']): void {
  if (mock.kind === 'hwpt') {
    // iopt_table_remove_domain(): the domain leaves the IOAS; the HWPT object (and its IOAS reference) stays.
    addUsers(tx, c, mock.id, -1);
    const h = hwptOf(tx, c, mock.id);
    const ioas = ioasOf(tx, c, h.ioas);
    if (ioas !== undefined) putObj(tx, c, h.ioas, { ...ioas, hwptList: ioas.hwptList.filter((x) => x !== mock.id) });
    return;
  }
  const idev = mockIdev(tx, c, mock.id);
  if (idev.hwpt !== null) {
    putObj(tx, c, mock.id, { ...idev, hwpt: null, users: idev.users - 1 });
    putHwpt(tx, c, idev.hwpt);
  }
  addUsers(tx, c, mock.id, -1);
  if (mockIdev(tx, c, mock.id).users === 1) eraseObject(tx, c, mock.id, 'kernel');
}
