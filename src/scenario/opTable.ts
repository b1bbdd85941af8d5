// The scenario ops: for each uAPI ioctl name (and open/close), its argument fields in uAPI spelling, the file its
// `fd` names, and how the resolved values become a model action. Ops outside the model resolve to a reason.
import type { Action, ActionKind, IommufdPath } from '../model/actions.ts';
import type { ActorId, DeviceIdx, Fd, GroupIdx } from '../model/ids.ts';
import type { FamilyName } from './constants.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A model action before the runner fills in the actor. */
export type ActionBody = DistributiveOmit<Action, 'actor'>;

export type FieldType = 'num' | 'fd' | 'group' | 'device' | 'path' | 'ranges' | 'actor';

export interface FieldSpec {
  readonly type: FieldType;
  readonly family?: FamilyName;
  /** Value when the scenario leaves the field out (struct fields are zero-filled by the selftests). */
  readonly default?: number;
}

/** Resolved argument values: numbers, fds (numbers), group/device indexes, paths. */
export interface Values {
  /** Whether the scenario gave the field (rather than leaving it to its default). */
  readonly has: (field: string) => boolean;
  readonly num: (field: string) => number;
  readonly ranges: (field: string) => readonly { readonly start: number; readonly last: number }[];
  readonly fd: (field: string) => Fd;
  readonly group: (field: string) => GroupIdx;
  readonly device: (field: string) => DeviceIdx;
  readonly path: (field: string) => string;
  readonly actor: (field: string) => ActorId;
}

export type FdKind = 'iommufd' | 'group' | 'device' | 'cdev' | 'any' | 'none';

export interface OpSpec {
  /** What the step's `fd` names; `iommufd` may be left out while exactly one iommufd is open. */
  readonly fd: FdKind;
  readonly fields: Readonly<Record<string, FieldSpec>>;
  /** The return value is a new fd: `{ "ret": 0 }` means success and `as` names the fd. */
  readonly returnsFd: boolean;
  /** Which out field holds a new fd that `as` names (CREATE_ACCESS's access_fd). */
  readonly fdOut?: string;
  /** An iommufd ioctl whose struct starts with `size` (`size` and `trailing` may be given). */
  readonly ucmd: boolean;
  readonly build: (fd: Fd, v: Values) => ActionBody | { readonly unmodelled: string };
}

const num = (family?: FamilyName, dflt = 0): FieldSpec =>
  family === undefined ? { type: 'num', default: dflt } : { type: 'num', family, default: dflt };
const fdField: FieldSpec = { type: 'fd' };

/** An ioctl the model does not cover: every field accepted, the step says "not modelled". */
const outside = (why: string, fd: FdKind = 'iommufd'): OpSpec => ({
  fd,
  fields: {},
  returnsFd: false,
  ucmd: fd === 'iommufd',
  build: () => ({ unmodelled: why }),
});

/** The scenario op that writes a model action of kind `k`: `open` covers the group and cdev opens, and a map whose
 * user VA is given is an IOMMU_IOAS_MAP. */
export const scenarioOpOf = (k: ActionKind): string =>
  k === 'open_group' || k === 'open_cdev' ? 'open' : k === 'IOMMU_IOAS_MAP_USER_VA' ? 'IOMMU_IOAS_MAP' : k;

export const OPS: Readonly<Record<string, OpSpec>> = {
  open: {
    fd: 'none',
    fields: { path: { type: 'path' }, group: { type: 'group' }, device: { type: 'device' } },
    returnsFd: true,
    ucmd: false,
    build: (_fd, v) => {
      const p = v.path('path');
      if (p === 'group') return { kind: 'open_group', group: v.group('group') };
      if (p === 'device') return { kind: 'open_cdev', device: v.device('device') };
      return { kind: 'open', path: p as IommufdPath };
    },
  },
  close: { fd: 'any', fields: {}, returnsFd: false, ucmd: false, build: (fd) => ({ kind: 'close', fd }) },
  /** SCM_RIGHTS: a duplicate of `fd` installed in actor `to`'s fd table (the model's pass_fd). */
  pass_fd: {
    fd: 'any',
    fields: { to: { type: 'actor' } },
    returnsFd: true,
    ucmd: false,
    build: (fd, v) => ({ kind: 'pass_fd', fd, to: v.actor('to') }),
  },
  IOMMU_DESTROY: {
    fd: 'iommufd',
    fields: { id: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({ kind: 'IOMMU_DESTROY', fd, id: v.num('id') }),
  },
  IOMMU_IOAS_ALLOC: {
    fd: 'iommufd',
    fields: { flags: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({ kind: 'IOMMU_IOAS_ALLOC', fd, flags: v.num('flags'), fault: null }),
  },
  IOMMU_VFIO_IOAS: {
    fd: 'iommufd',
    fields: { op: num('VFIO_IOAS_OP'), ioas_id: num(), __reserved: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({
      kind: 'IOMMU_VFIO_IOAS',
      fd,
      op: v.num('op'),
      ioas_id: v.num('ioas_id'),
      reserved: v.num('__reserved'),
    }),
  },
  IOMMU_HWPT_ALLOC: {
    fd: 'iommufd',
    fields: {
      dev_id: num(),
      pt_id: num(),
      flags: num('HWPT_ALLOC_FLAGS'),
      data_type: num(),
      data_len: num(),
      data_uptr: num(),
      fault_id: num(),
    },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) =>
      v.num('data_type') !== 0 || v.num('data_len') !== 0 || v.num('fault_id') !== 0
        ? { unmodelled: 'nested HWPTs and fault queues are outside the model' }
        : {
            kind: 'IOMMU_HWPT_ALLOC',
            fd,
            dev_id: v.num('dev_id'),
            pt_id: v.num('pt_id'),
            flags: v.num('flags'),
            fault: null,
          },
  },
  IOMMU_IOAS_MAP: {
    fd: 'iommufd',
    fields: {
      ioas_id: num(),
      flags: num('IOAS_MAP_FLAGS'),
      user_va: num(),
      length: num(),
      iova: num(),
      __reserved: num(),
    },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => {
      const common = {
        fd,
        ioas_id: v.num('ioas_id'),
        flags: v.num('flags'),
        length: v.num('length'),
        reserved: v.num('__reserved'),
      };
      // Without FIXED_IOVA the IOVA depends on the user VA: modelled when the scenario gives it.
      if ((common.flags & 1) === 0 && v.has('user_va'))
        return { kind: 'IOMMU_IOAS_MAP_USER_VA', ...common, user_va: v.num('user_va') };
      return { kind: 'IOMMU_IOAS_MAP', ...common, iova: v.num('iova') };
    },
  },
  IOMMU_IOAS_UNMAP: {
    fd: 'iommufd',
    fields: { ioas_id: num(), iova: num(), length: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({
      kind: 'IOMMU_IOAS_UNMAP',
      fd,
      ioas_id: v.num('ioas_id'),
      iova: v.num('iova'),
      length: v.num('length'),
    }),
  },
  IOMMU_OPTION: {
    fd: 'iommufd',
    fields: { option_id: num('OPTION_ID'), op: num('OPTION_OP'), object_id: num(), val64: num(), __reserved: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({
      kind: 'IOMMU_OPTION',
      fd,
      option_id: v.num('option_id'),
      op: v.num('op'),
      object_id: v.num('object_id'),
      val64: v.num('val64'),
      reserved: v.num('__reserved'),
    }),
  },
  IOMMU_IOAS_IOVA_RANGES: {
    fd: 'iommufd',
    fields: { ioas_id: num(), num_iovas: num(), allowed_iovas: num(), __reserved: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({
      kind: 'IOMMU_IOAS_IOVA_RANGES',
      fd,
      ioas_id: v.num('ioas_id'),
      num_iovas: v.num('num_iovas'),
      reserved: v.num('__reserved'),
    }),
  },
  IOMMU_IOAS_ALLOW_IOVAS: {
    fd: 'iommufd',
    fields: { ioas_id: num(), num_iovas: num(undefined, -1), allowed_iovas: { type: 'ranges' }, __reserved: num() },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => {
      const ranges = v.ranges('allowed_iovas');
      const n = v.num('num_iovas');
      return {
        kind: 'IOMMU_IOAS_ALLOW_IOVAS',
        fd,
        ioas_id: v.num('ioas_id'),
        allowed_iovas: n < 0 ? ranges : ranges.slice(0, n),
        reserved: v.num('__reserved'),
      };
    },
  },
  IOMMU_IOAS_COPY: {
    fd: 'iommufd',
    fields: {
      flags: num('IOAS_MAP_FLAGS'),
      src_ioas_id: num(),
      dst_ioas_id: num(),
      src_iova: num(),
      dst_iova: num(),
      length: num(),
    },
    returnsFd: false,
    ucmd: true,
    build: (fd, v) => ({
      kind: 'IOMMU_IOAS_COPY',
      fd,
      flags: v.num('flags'),
      src_ioas_id: v.num('src_ioas_id'),
      dst_ioas_id: v.num('dst_ioas_id'),
      src_iova: v.num('src_iova'),
      dst_iova: v.num('dst_iova'),
      length: v.num('length'),
    }),
  },
  IOMMU_GET_HW_INFO: outside('IOMMU_GET_HW_INFO (driver data is not modelled)'),
  IOMMU_HWPT_INVALIDATE: outside('nested HWPT invalidation is outside the model'),
  IOMMU_HWPT_SET_DIRTY_TRACKING: outside('dirty tracking is outside the model'),
  IOMMU_HWPT_GET_DIRTY_BITMAP: outside('dirty tracking is outside the model'),
  IOMMU_VIOMMU_ALLOC: outside('vIOMMU is outside the model'),
  IOMMU_VDEVICE_ALLOC: outside('vIOMMU is outside the model'),
  IOMMU_FAULT_QUEUE_ALLOC: outside('fault queues are outside the model'),
  IOMMU_IOAS_MAP_FILE: outside('file-backed maps are outside the model'),
  IOMMU_IOAS_CHANGE_PROCESS: outside('IOMMU_IOAS_CHANGE_PROCESS is outside the model'),
  IOMMU_TEST_OP_MOCK_DOMAIN: {
    fd: 'iommufd',
    fields: { pt_id: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'IOMMU_TEST_OP_MOCK_DOMAIN', fd, pt_id: v.num('pt_id') }),
  },
  IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE: {
    fd: 'iommufd',
    fields: { stdev_id: num(), pt_id: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE',
      fd,
      stdev_id: v.num('stdev_id'),
      pt_id: v.num('pt_id'),
    }),
  },
  IOMMU_TEST_OP_CREATE_ACCESS: {
    fd: 'iommufd',
    fields: { ioas_id: num(), flags: num('ACCESS_CREATE_FLAGS') },
    returnsFd: false,
    fdOut: 'access_fd',
    ucmd: false,
    build: (fd, v) => ({ kind: 'IOMMU_TEST_OP_CREATE_ACCESS', fd, ioas_id: v.num('ioas_id'), flags: v.num('flags') }),
  },
  IOMMU_TEST_OP_ACCESS_REPLACE_IOAS: {
    fd: 'iommufd',
    fields: { access_fd: fdField, ioas_id: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS',
      fd,
      access_fd: v.fd('access_fd'),
      ioas_id: v.num('ioas_id'),
    }),
  },
  IOMMU_TEST_OP_ACCESS_PAGES: {
    fd: 'iommufd',
    fields: { access_fd: fdField, iova: num(), length: num(), flags: num('ACCESS_PAGES_FLAGS'), uptr: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'IOMMU_TEST_OP_ACCESS_PAGES',
      fd,
      access_fd: v.fd('access_fd'),
      iova: v.num('iova'),
      length: v.num('length'),
      flags: v.num('flags'),
    }),
  },
  IOMMU_TEST_OP_DESTROY_ACCESS_PAGES: {
    fd: 'iommufd',
    fields: { access_fd: fdField, access_pages_id: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES',
      fd,
      access_fd: v.fd('access_fd'),
      access_pages_id: v.num('access_pages_id'),
    }),
  },
  IOMMU_TEST_OP_ADD_RESERVED: {
    fd: 'iommufd',
    fields: { ioas_id: num(), start: num(), length: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'IOMMU_TEST_OP_ADD_RESERVED',
      fd,
      ioas_id: v.num('ioas_id'),
      start: v.num('start'),
      length: v.num('length'),
    }),
  },
  IOMMU_TEST_OP_MD_CHECK_MAP: outside('the mock domain page table contents are not modelled'),
  IOMMU_TEST_OP_MD_CHECK_REFS: outside('page pin counts are not modelled'),
  IOMMU_TEST_OP_ACCESS_RW: outside('access reads and writes are not modelled'),
  IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT: outside('the selftest batch-memory limit is not modelled'),
  IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: outside('mock device flags (dirty tracking) are outside the model'),
  IOMMU_TEST_OP_DIRTY: outside('dirty tracking is outside the model'),
  VFIO_GET_API_VERSION: {
    fd: 'iommufd',
    fields: {},
    returnsFd: false,
    ucmd: false,
    build: (fd) => ({ kind: 'VFIO_GET_API_VERSION', fd }),
  },
  VFIO_CHECK_EXTENSION: {
    fd: 'iommufd',
    fields: { ext: num('VFIO_EXT') },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_CHECK_EXTENSION', fd, ext: v.num('ext') }),
  },
  VFIO_SET_IOMMU: {
    fd: 'iommufd',
    fields: { type: num('VFIO_EXT') },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_SET_IOMMU', fd, type: v.num('type') }),
  },
  VFIO_IOMMU_GET_INFO: {
    fd: 'iommufd',
    fields: { argsz: num(undefined, 24) },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_IOMMU_GET_INFO', fd, argsz: v.num('argsz') }),
  },
  VFIO_IOMMU_MAP_DMA: {
    fd: 'iommufd',
    fields: { argsz: num(undefined, 32), flags: num('DMA_MAP_FLAGS'), vaddr: num(), iova: num(), size: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'VFIO_IOMMU_MAP_DMA',
      fd,
      argsz: v.num('argsz'),
      flags: v.num('flags'),
      iova: v.num('iova'),
      size: v.num('size'),
    }),
  },
  VFIO_IOMMU_UNMAP_DMA: {
    fd: 'iommufd',
    fields: { argsz: num(undefined, 24), flags: num('DMA_UNMAP_FLAGS'), iova: num(), size: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'VFIO_IOMMU_UNMAP_DMA',
      fd,
      argsz: v.num('argsz'),
      flags: v.num('flags'),
      iova: v.num('iova'),
      size: v.num('size'),
    }),
  },
  VFIO_GROUP_SET_CONTAINER: {
    fd: 'group',
    fields: { container_fd: fdField },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_GROUP_SET_CONTAINER', fd, container_fd: v.fd('container_fd'), fault: null }),
  },
  VFIO_GROUP_UNSET_CONTAINER: {
    fd: 'group',
    fields: {},
    returnsFd: false,
    ucmd: false,
    build: (fd) => ({ kind: 'VFIO_GROUP_UNSET_CONTAINER', fd }),
  },
  VFIO_GROUP_GET_DEVICE_FD: {
    fd: 'group',
    fields: { device: { type: 'device' } },
    returnsFd: true,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_GROUP_GET_DEVICE_FD', fd, device: v.device('device'), fault: null }),
  },
  VFIO_DEVICE_BIND_IOMMUFD: {
    fd: 'cdev',
    fields: { iommufd: fdField, flags: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'VFIO_DEVICE_BIND_IOMMUFD',
      fd,
      iommufd: v.fd('iommufd'),
      flags: v.num('flags'),
      fault: null,
    }),
  },
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
    fd: 'cdev',
    fields: { pt_id: num(), flags: num(), pasid: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({
      kind: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
      fd,
      pt_id: v.num('pt_id'),
      flags: v.num('flags'),
      fault: null,
    }),
  },
  VFIO_DEVICE_DETACH_IOMMUFD_PT: {
    fd: 'cdev',
    fields: { flags: num(), pasid: num() },
    returnsFd: false,
    ucmd: false,
    build: (fd, v) => ({ kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', fd, flags: v.num('flags') }),
  },
};
