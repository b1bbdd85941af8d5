// The uAPI a C reproducer needs, carried in the file so that it builds against kernel headers that predate
// iommufd; -DUSE_SYSTEM_HEADERS takes <linux/iommufd.h> and <linux/vfio.h> instead.
// Written from include/uapi/linux/iommufd.h and include/uapi/linux/vfio.h (mainline); layouts must not drift.

export const C_UAPI = `#ifdef USE_SYSTEM_HEADERS
#include <linux/iommufd.h>
#include <linux/vfio.h>
#else
#include <linux/ioctl.h>
#include <linux/types.h>

/* include/uapi/linux/iommufd.h */
#define IOMMUFD_TYPE (';')

enum {
	IOMMUFD_CMD_BASE = 0x80,
	IOMMUFD_CMD_DESTROY = IOMMUFD_CMD_BASE,
	IOMMUFD_CMD_IOAS_ALLOC,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS,
	IOMMUFD_CMD_IOAS_COPY,
	IOMMUFD_CMD_IOAS_IOVA_RANGES,
	IOMMUFD_CMD_IOAS_MAP,
	IOMMUFD_CMD_IOAS_UNMAP,
	IOMMUFD_CMD_OPTION,
	IOMMUFD_CMD_VFIO_IOAS,
	IOMMUFD_CMD_HWPT_ALLOC,
};

struct iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IOMMU_DESTROY _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)

enum iommufd_vfio_ioas_op {
	IOMMU_VFIO_IOAS_GET = 0,
	IOMMU_VFIO_IOAS_SET = 1,
	IOMMU_VFIO_IOAS_CLEAR = 2,
};

struct iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IOMMU_VFIO_IOAS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VFIO_IOAS)

/*
 * The v6.6 layout: later kernels append fields but keep offsetofend(__reserved) as the minimum size
 * (drivers/iommu/iommufd/main.c IOCTL_OP), so this size is accepted by every kernel that has the ioctl.
 */
struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
};
#define IOMMU_HWPT_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)

/* include/uapi/linux/vfio.h */
#define VFIO_TYPE (';')
#define VFIO_BASE 100

#define VFIO_GET_API_VERSION _IO(VFIO_TYPE, VFIO_BASE + 0)
#define VFIO_CHECK_EXTENSION _IO(VFIO_TYPE, VFIO_BASE + 1)
#define VFIO_SET_IOMMU _IO(VFIO_TYPE, VFIO_BASE + 2)

struct vfio_iommu_type1_info {
	__u32 argsz;
	__u32 flags;
#define VFIO_IOMMU_INFO_PGSIZES (1 << 0)
#define VFIO_IOMMU_INFO_CAPS (1 << 1)
	__aligned_u64 iova_pgsizes;
	__u32 cap_offset;
	__u32 pad;
};
#define VFIO_IOMMU_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 12)

struct vfio_iommu_type1_dma_map {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_MAP_FLAG_READ (1 << 0)
#define VFIO_DMA_MAP_FLAG_WRITE (1 << 1)
	__u64 vaddr;
	__u64 iova;
	__u64 size;
};
#define VFIO_IOMMU_MAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 13)

struct vfio_iommu_type1_dma_unmap {
	__u32 argsz;
	__u32 flags;
#define VFIO_DMA_UNMAP_FLAG_ALL (1 << 1)
	__u64 iova;
	__u64 size;
	__u8 data[];
};
#define VFIO_IOMMU_UNMAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 14)

#define VFIO_GROUP_SET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 4)
#define VFIO_GROUP_UNSET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 5)
#define VFIO_GROUP_GET_DEVICE_FD _IO(VFIO_TYPE, VFIO_BASE + 6)

struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

/* The v6.6 layout (later kernels append pasid and accept this size). */
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
};
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)
#endif
`;

/** Width of each struct member the reproducer sets or reads, by the model's op. */
export type CWidth = 'u16' | 'u32' | 'u64';

export interface CStruct {
  readonly name: string;
  /** `size` (iommufd: sizeof the struct) or `argsz` (vfio: the model's value). */
  readonly header: 'size' | 'argsz';
  readonly members: Readonly<Record<string, CWidth>>;
  /** The member that carries the user memory address, for ops that map. */
  readonly userVa?: string;
  /** The kernel may write up to `argsz` bytes (capability chains), so the buffer must be that large. */
  readonly writesUpToArgsz?: boolean;
}

/** The struct each struct-based ioctl of the model takes, with the members of the layouts above. */
export const C_STRUCTS = {
  IOMMU_DESTROY: { name: 'iommu_destroy', header: 'size', members: { id: 'u32' } },
  IOMMU_IOAS_ALLOC: { name: 'iommu_ioas_alloc', header: 'size', members: { flags: 'u32', out_ioas_id: 'u32' } },
  IOMMU_VFIO_IOAS: {
    name: 'iommu_vfio_ioas',
    header: 'size',
    members: { ioas_id: 'u32', op: 'u16', __reserved: 'u16' },
  },
  IOMMU_HWPT_ALLOC: {
    name: 'iommu_hwpt_alloc',
    header: 'size',
    members: { flags: 'u32', dev_id: 'u32', pt_id: 'u32', out_hwpt_id: 'u32', __reserved: 'u32' },
  },
  IOMMU_IOAS_MAP: {
    name: 'iommu_ioas_map',
    header: 'size',
    members: { flags: 'u32', ioas_id: 'u32', __reserved: 'u32', user_va: 'u64', length: 'u64', iova: 'u64' },
    userVa: 'user_va',
  },
  IOMMU_IOAS_UNMAP: {
    name: 'iommu_ioas_unmap',
    header: 'size',
    members: { ioas_id: 'u32', iova: 'u64', length: 'u64' },
  },
  VFIO_IOMMU_GET_INFO: {
    name: 'vfio_iommu_type1_info',
    header: 'argsz',
    members: { argsz: 'u32', flags: 'u32', iova_pgsizes: 'u64', cap_offset: 'u32' },
    writesUpToArgsz: true,
  },
  VFIO_IOMMU_MAP_DMA: {
    name: 'vfio_iommu_type1_dma_map',
    header: 'argsz',
    members: { argsz: 'u32', flags: 'u32', vaddr: 'u64', iova: 'u64', size: 'u64' },
    userVa: 'vaddr',
  },
  VFIO_IOMMU_UNMAP_DMA: {
    name: 'vfio_iommu_type1_dma_unmap',
    header: 'argsz',
    members: { argsz: 'u32', flags: 'u32', iova: 'u64', size: 'u64' },
  },
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
    name: 'vfio_device_attach_iommufd_pt',
    header: 'argsz',
    members: { argsz: 'u32', flags: 'u32', pt_id: 'u32' },
  },
} as const satisfies Record<string, CStruct>;
