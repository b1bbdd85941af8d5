// The world a run evolves: iommufd contexts with their objects, open files and per-actor fd tables,
// vfio group and device state. Everything is readonly; ops build new worlds.
import type { CtxId, DeviceIdx, FileId, GroupIdx, ObjectId } from './ids.ts';
import type { Topology } from './topology.ts';

/** One mapped IOVA area (io_pagetable `iopt_area`), bytes; `last` is inclusive like the kernel's. */
export interface Area {
  readonly iova: number;
  readonly last: number;
}

interface ObjectBase {
  /** refcount_t users: the xarray's 1 plus every holder (see properties/refcountsMatchHolders). */
  readonly users: number;
  /** A world-unique serial: tells a new object from an old one that had the same (reused) id. */
  readonly serial: number;
}

export interface IoasObject extends ObjectBase {
  readonly type: 'IOAS';
  /** ioas->hwpt_list: the HWPT_PAGING objects built on this IOAS, in list order. */
  readonly hwptList: readonly ObjectId[];
  readonly areas: readonly Area[];
  /** iopt->disable_large_pages, set by VFIO_SET_IOMMU(VFIO_TYPE1_IOMMU); makes unmap split areas. */
  readonly largePagesDisabled: boolean;
  /** Reserved ranges added by IOMMU_TEST_OP_ADD_RESERVED (part of iopt->reserved_itree; domains add theirs). */
  readonly reserved: readonly IovaRange[];
  /** iopt->allowed_itree, set by IOMMU_IOAS_ALLOW_IOVAS; empty: everything is allowed. */
  readonly allowed: readonly IovaRange[];
}

/** struct iommu_iova_range: an inclusive IOVA range. */
export interface IovaRange {
  readonly start: number;
  readonly last: number;
}

export interface HwptObject extends ObjectBase {
  readonly type: 'HWPT_PAGING';
  readonly ioas: ObjectId;
  /** Auto domains are created by attach-to-IOAS and freed with their last device; user HWPTs never are. */
  readonly auto: boolean;
  /** A selftest mock domain (aperture MOCK_APERTURE_START..LAST, page size MOCK_PAGE_SIZE); the geometry of a
   * real device's domain depends on its IOMMU driver and is not modelled. */
  readonly mock: boolean;
}

export interface DeviceObject extends ObjectBase {
  readonly type: 'DEVICE';
  readonly device: DeviceIdx;
  /** idev->hwpt (v6.2) / igroup->hwpt (v6.4+): the HWPT this device is attached to. */
  readonly hwpt: ObjectId | null;
}

export interface AccessObject extends ObjectBase {
  readonly type: 'ACCESS';
  readonly device: DeviceIdx;
  readonly ioas: ObjectId | null;
}

/** The selftest object of IOMMU_TEST_OP_MOCK_DOMAIN (IOMMUFD_OBJ_SELFTEST, selftest.c): userspace destroys it
 * (`stdev_id`) to detach and unbind the mock device, whose DEVICE object (`idev`) it owns. Mock DEVICE and
 * ACCESS objects carry the device index MOCK_DEVICE (kernel/mock.ts), outside the topology. */
export interface SelftestObject extends ObjectBase {
  readonly type: 'SELFTEST';
  /** v6.4+: the mock device's DEVICE object. v6.2/v6.3 created no DEVICE: iommufd_device_selftest_attach()
   * allocated a HWPT for the mock device directly, which the selftest object holds. */
  readonly mock: { readonly kind: 'idev'; readonly id: ObjectId } | { readonly kind: 'hwpt'; readonly id: ObjectId };
}

export type IommufdObject = IoasObject | HwptObject | DeviceObject | AccessObject | SelftestObject;
export type ObjectType = IommufdObject['type'];

/** struct iommufd_ctx. */
export interface Ictx {
  /** The xarray, indexed by id; index 0 is never used (XA_FLAGS_ALLOC1). */
  readonly objects: readonly (IommufdObject | undefined)[];
  /** ictx->vfio_ioas: a weak pointer (no users reference), the compat IOAS. */
  readonly vfioIoas: ObjectId | null;
  /** ictx->account_mode == IOPT_PAGES_ACCOUNT_MM: the default for /dev/vfio/vfio (iommufd_fops_open()),
   * IOMMU_OPTION(RLIMIT_MODE) changes it while the object table is empty. */
  readonly accountModeMm: boolean;
  /** ictx->no_iommu_mode (v6.3+), sticky. */
  readonly noIommuMode: boolean;
  /** iommufd_ctx_get() holders other than fds: groups (group->iommufd), bound devices and accesses, cdev files. */
  readonly kernelRefs: number;
  readonly file: FileId;
  readonly path: '/dev/iommu' | '/dev/vfio/vfio';
}

/** An open file description; `fds` counts the fd table slots (in any actor) that point at it. */
export type OpenFile =
  | { readonly kind: 'iommufd'; readonly fds: number; readonly ctx: CtxId }
  | { readonly kind: 'group'; readonly fds: number; readonly group: GroupIdx }
  | {
      readonly kind: 'device';
      readonly fds: number;
      readonly device: DeviceIdx;
      /** df->iommufd, recorded at open (v6.6+); null when closing must consult the group (v6.2-v6.4). */
      readonly iommufd: CtxId | null;
      /** df->access_granted: false for the v6.6 noiommu fd that skipped vfio_df_open() (B11). */
      readonly accessGranted: boolean;
    }
  | {
      readonly kind: 'cdev';
      readonly fds: number;
      readonly device: DeviceIdx;
      /** null until VFIO_DEVICE_BIND_IOMMUFD; then the ictx whose reference the file holds. */
      readonly bound: CtxId | null;
    }
  /** The anon-inode file of IOMMU_TEST_OP_CREATE_ACCESS (selftest.c struct selftest_access): it owns the ACCESS
   * object, holds an ictx reference, and records the pinned ranges (`items`, ids from `nextItem`, never reused). */
  | {
      readonly kind: 'access';
      readonly fds: number;
      readonly ctx: CtxId;
      readonly access: ObjectId;
      readonly needsPin: boolean;
      readonly items: readonly AccessItem[];
      readonly nextItem: number;
    };

/** One IOMMU_TEST_OP_ACCESS_PAGES pin (struct selftest_access_item). */
export interface AccessItem {
  readonly id: number;
  readonly iova: number;
  readonly last: number;
}

/** struct vfio_group (iommufd mode). */
export interface GroupState {
  /** group->opened_file: the group fd can be open only once. */
  readonly file: FileId | null;
  /** group->iommufd: set by VFIO_GROUP_SET_CONTAINER with an iommufd, holds an ictx reference. */
  readonly iommufd: CtxId | null;
  /** group->cdev_device_open_cnt (v6.6+): bound cdevs block the group fd. */
  readonly cdevOpenCnt: number;
  /** +cached-compat-id only: the compat IOAS id cached at the group's first device attach. */
  readonly cachedCompatId: ObjectId | null;
}

/** How a device is bound to an iommufd (vfio_iommufd_*_bind). */
export type Binding =
  | { readonly kind: 'idev'; readonly ctx: CtxId; readonly id: ObjectId }
  /** emulated: v6.2 binds to the ctx only and creates the ACCESS at attach (id null until then). */
  | { readonly kind: 'access'; readonly ctx: CtxId; readonly id: ObjectId | null };

/** struct vfio_device. */
export interface DeviceState {
  /** device->open_count; a negative value is the B11 underflow made visible. */
  readonly openCount: number;
  readonly binding: Binding | null;
  /** vdev->iommufd_attached. */
  readonly attached: boolean;
}

export interface World {
  readonly ctxs: readonly (Ictx | undefined)[];
  readonly files: readonly (OpenFile | undefined)[];
  /** Per actor: fd number -> file. Linux gives the lowest free fd; 0-2 are stdio. */
  readonly fdTables: readonly (readonly (FileId | undefined)[])[];
  readonly groups: readonly GroupState[];
  readonly devices: readonly DeviceState[];
  readonly nextSerial: number;
}

/** First fd number handed out (0, 1, 2 are the standard streams). */
export const FIRST_FD = 3;

export function initialWorld(topology: Topology): World {
  return {
    ctxs: [],
    files: [],
    fdTables: topology.actors.map(() => []),
    groups: topology.groups.map(() => ({ file: null, iommufd: null, cdevOpenCnt: 0, cachedCompatId: null })),
    devices: topology.devices.map(() => ({ openCount: 0, binding: null, attached: false })),
    nextSerial: 1,
  };
}
