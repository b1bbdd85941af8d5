// The action union: every ioctl, open and close an actor can issue. `kind` is the uAPI name; fields are the
// uAPI struct fields the model reads. Faults name a kernel-internal failure point (like iommufd_fail_nth).
import type { ActorId, DeviceIdx, Fd, GroupIdx } from './ids.ts';
import type { IovaRange } from './state.ts';

/** Kernel-internal failure points that an action may inject a failure at (iommufd_fail_nth style). */
export const FAULT_POINTS = [
  'ioas_alloc',
  'hwpt_alloc',
  'device_bind',
  'attach',
  'open_device',
  'copy_to_user',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** The errno an injected failure produces: allocations give ENOMEM, a failed copy_to_user gives EFAULT. */
export const faultErrno = (p: FaultPoint): 'ENOMEM' | 'EFAULT' => (p === 'copy_to_user' ? 'EFAULT' : 'ENOMEM');

export type IommufdPath = '/dev/iommu' | '/dev/vfio/vfio';

/** IOMMU_VFIO_IOAS ops (enum iommufdvfio_ioas_op); 3 is an unknown op, generated on purpose. */
export const VFIO_IOAS_OP = { GET: 0, SET: 1, CLEAR: 2 } as const;

/** VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU arguments (include/uapi/linux/vfio.h). */
export const VFIO_EXT = {
  VFIO_TYPE1_IOMMU: 1,
  VFIO_SPAPR_TCE_IOMMU: 2,
  VFIO_TYPE1v2_IOMMU: 3,
  VFIO_DMA_CC_IOMMU: 4,
  VFIO_EEH: 5,
  VFIO_TYPE1_NESTING_IOMMU: 6,
  VFIO_SPAPR_TCE_v2_IOMMU: 7,
  VFIO_NOIOMMU_IOMMU: 8,
  VFIO_UNMAP_ALL: 9,
  VFIO_UPDATE_VADDR: 10,
} as const;

export const VFIO_DMA_MAP_FLAG = { READ: 1, WRITE: 2, VADDR: 4 } as const;
export const VFIO_DMA_UNMAP_FLAG = { GET_DIRTY_BITMAP: 1, ALL: 2, VADDR: 4 } as const;
export const IOMMU_IOAS_MAP_FLAG = { FIXED_IOVA: 1, WRITEABLE: 2, READABLE: 4 } as const;

/** minsz of the container structs: offsetofend(..., size) / offsetofend(..., iova_pgsizes). */
export const MINSZ = { VFIO_IOMMU_MAP_DMA: 32, VFIO_IOMMU_UNMAP_DMA: 24, VFIO_IOMMU_GET_INFO: 16 } as const;

interface ByActor {
  readonly actor: ActorId;
}
interface OnFd extends ByActor {
  readonly fd: Fd;
}

export type Action =
  | (ByActor & { readonly kind: 'open'; readonly path: IommufdPath })
  | (ByActor & { readonly kind: 'open_group'; readonly group: GroupIdx })
  | (ByActor & { readonly kind: 'open_cdev'; readonly device: DeviceIdx })
  | (OnFd & { readonly kind: 'close' })
  /** Hand a duplicate of `fd` to actor `to` (SCM_RIGHTS). */
  | (OnFd & { readonly kind: 'pass_fd'; readonly to: ActorId })
  | (OnFd & { readonly kind: 'IOMMU_IOAS_ALLOC'; readonly flags: number; readonly fault: FaultPoint | null })
  | (OnFd & { readonly kind: 'IOMMU_DESTROY'; readonly id: number })
  | (OnFd & {
      readonly kind: 'IOMMU_VFIO_IOAS';
      readonly op: number;
      readonly ioas_id: number;
      readonly reserved: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_HWPT_ALLOC';
      readonly dev_id: number;
      readonly pt_id: number;
      readonly flags: number;
      readonly fault: FaultPoint | null;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_MAP';
      readonly ioas_id: number;
      readonly flags: number;
      readonly iova: number;
      readonly length: number;
      /** `__reserved` (0 unless a scenario sets it; the search never does). */
      readonly reserved: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_UNMAP';
      readonly ioas_id: number;
      readonly iova: number;
      readonly length: number;
    })
  | (OnFd & { readonly kind: 'VFIO_GET_API_VERSION' })
  | (OnFd & { readonly kind: 'VFIO_CHECK_EXTENSION'; readonly ext: number })
  | (OnFd & { readonly kind: 'VFIO_SET_IOMMU'; readonly type: number })
  | (OnFd & { readonly kind: 'VFIO_IOMMU_GET_INFO'; readonly argsz: number })
  | (OnFd & {
      readonly kind: 'VFIO_IOMMU_MAP_DMA';
      readonly argsz: number;
      readonly flags: number;
      readonly iova: number;
      readonly size: number;
    })
  | (OnFd & {
      readonly kind: 'VFIO_IOMMU_UNMAP_DMA';
      readonly argsz: number;
      readonly flags: number;
      readonly iova: number;
      readonly size: number;
    })
  | (OnFd & { readonly kind: 'VFIO_GROUP_SET_CONTAINER'; readonly container_fd: Fd; readonly fault: FaultPoint | null })
  | (OnFd & { readonly kind: 'VFIO_GROUP_UNSET_CONTAINER' })
  | (OnFd & {
      readonly kind: 'VFIO_GROUP_GET_DEVICE_FD';
      readonly device: DeviceIdx;
      readonly fault: FaultPoint | null;
    })
  /** The cdev ioctls' `flags` (PASID, the VF token on later kernels): 0 unless a scenario sets them; the search
   * never does. */
  | (OnFd & {
      readonly kind: 'VFIO_DEVICE_BIND_IOMMUFD';
      readonly iommufd: Fd;
      readonly flags: number;
      readonly fault: FaultPoint | null;
    })
  | (OnFd & {
      readonly kind: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT';
      readonly pt_id: number;
      readonly flags: number;
      readonly fault: FaultPoint | null;
    })
  | (OnFd & { readonly kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT'; readonly flags: number })
  /** IOMMU_OPTION (struct iommu_option); `reserved` is `__reserved`. */
  | (OnFd & {
      readonly kind: 'IOMMU_OPTION';
      readonly option_id: number;
      readonly op: number;
      readonly object_id: number;
      readonly val64: number;
      readonly reserved: number;
    })
  /** The selftest ops of IOMMU_TEST_CMD (drivers/iommu/iommufd/selftest.c), issued on an iommufd. Never
   * generated by the search (weight 0); scenarios replayed from the kernel selftests use them. */
  | (OnFd & { readonly kind: 'IOMMU_TEST_OP_MOCK_DOMAIN'; readonly pt_id: number })
  | (OnFd & { readonly kind: 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE'; readonly stdev_id: number; readonly pt_id: number })
  | (OnFd & { readonly kind: 'IOMMU_TEST_OP_CREATE_ACCESS'; readonly ioas_id: number; readonly flags: number })
  | (OnFd & { readonly kind: 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS'; readonly access_fd: Fd; readonly ioas_id: number })
  | (OnFd & {
      readonly kind: 'IOMMU_TEST_OP_ACCESS_PAGES';
      readonly access_fd: Fd;
      readonly iova: number;
      readonly length: number;
      readonly flags: number;
    })
  /** IOMMU_IOAS_MAP without FIXED_IOVA where the user VA is known (scenarios): the kernel picks the IOVA
   * (iopt_alloc_iova()). The search's IOMMU_IOAS_MAP carries no VA, so there an unfixed map is not modelled. */
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_MAP_USER_VA';
      readonly ioas_id: number;
      readonly flags: number;
      readonly user_va: number;
      readonly length: number;
      readonly reserved: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_IOVA_RANGES';
      readonly ioas_id: number;
      readonly num_iovas: number;
      readonly reserved: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_ALLOW_IOVAS';
      readonly ioas_id: number;
      readonly allowed_iovas: readonly IovaRange[];
      readonly reserved: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_IOAS_COPY';
      readonly flags: number;
      readonly src_ioas_id: number;
      readonly dst_ioas_id: number;
      readonly src_iova: number;
      readonly dst_iova: number;
      readonly length: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_TEST_OP_ADD_RESERVED';
      readonly ioas_id: number;
      readonly start: number;
      readonly length: number;
    })
  | (OnFd & {
      readonly kind: 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES';
      readonly access_fd: Fd;
      readonly access_pages_id: number;
    });

export type ActionKind = Action['kind'];
export type ActionOf<K extends ActionKind> = Extract<Action, { readonly kind: K }>;

/** The scenario-only kinds (see SCENARIO_ONLY_KINDS). */
const SCENARIO_ONLY: readonly ActionKind[] = [
  'IOMMU_OPTION',
  'IOMMU_TEST_OP_MOCK_DOMAIN',
  'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE',
  'IOMMU_TEST_OP_CREATE_ACCESS',
  'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS',
  'IOMMU_TEST_OP_ACCESS_PAGES',
  'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES',
  'IOMMU_IOAS_IOVA_RANGES',
  'IOMMU_IOAS_ALLOW_IOVAS',
  'IOMMU_IOAS_COPY',
  'IOMMU_TEST_OP_ADD_RESERVED',
  'IOMMU_IOAS_MAP_USER_VA',
];

export const ACTION_KINDS: readonly ActionKind[] = [
  'open',
  'open_group',
  'open_cdev',
  'close',
  'pass_fd',
  'IOMMU_IOAS_ALLOC',
  'IOMMU_DESTROY',
  'IOMMU_VFIO_IOAS',
  'IOMMU_HWPT_ALLOC',
  'IOMMU_IOAS_MAP',
  'IOMMU_IOAS_UNMAP',
  'VFIO_GET_API_VERSION',
  'VFIO_CHECK_EXTENSION',
  'VFIO_SET_IOMMU',
  'VFIO_IOMMU_GET_INFO',
  'VFIO_IOMMU_MAP_DMA',
  'VFIO_IOMMU_UNMAP_DMA',
  'VFIO_GROUP_SET_CONTAINER',
  'VFIO_GROUP_UNSET_CONTAINER',
  'VFIO_GROUP_GET_DEVICE_FD',
  'VFIO_DEVICE_BIND_IOMMUFD',
  'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
  'VFIO_DEVICE_DETACH_IOMMUFD_PT',
  ...SCENARIO_ONLY,
];

/** Kinds the random search never generates (weight 0): IOMMU_OPTION, the IOVA-range ioctls, COPY and the
 * selftest-only ops; kernel-selftest scenarios use them. */
export const SCENARIO_ONLY_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>(SCENARIO_ONLY);

/** Ops a legacy VFIO application issues (/dev/vfio/vfio, group and container ioctls, fd passing). */
export const LEGACY_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>([
  'open',
  'open_group',
  'close',
  'pass_fd',
  'VFIO_GET_API_VERSION',
  'VFIO_CHECK_EXTENSION',
  'VFIO_SET_IOMMU',
  'VFIO_IOMMU_GET_INFO',
  'VFIO_IOMMU_MAP_DMA',
  'VFIO_IOMMU_UNMAP_DMA',
  'VFIO_GROUP_SET_CONTAINER',
  'VFIO_GROUP_UNSET_CONTAINER',
  'VFIO_GROUP_GET_DEVICE_FD',
]);

/** The vfio cdev ops (v6.6+). */
export const CDEV_KINDS: ReadonlySet<ActionKind> = new Set<ActionKind>([
  'open_cdev',
  'VFIO_DEVICE_BIND_IOMMUFD',
  'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
  'VFIO_DEVICE_DETACH_IOMMUFD_PT',
]);
