// The legacy container's reducer: legacyStep(world, action) -> { world, result } for the actions a legacy
// application issues. Each rule cites legacy-vfio.md (container.c / group.c / vfio_iommu_type1.c).
import {
  type Action,
  type ActionOf,
  VFIO_DMA_MAP_FLAG as MAPF,
  MINSZ,
  VFIO_DMA_UNMAP_FLAG as UNMAPF,
  VFIO_EXT as X,
} from '../actions.ts';
import type { Errno } from '../errno.ts';
import type { FileId, GroupIdx } from '../ids.ts';
import { PAGE_SIZE } from '../kernel/iopt.ts';
import { err, type OpResult, ok, unmodelled } from '../result.ts';
import { KERNEL_VERSIONS, type KernelVersion, semantics } from '../semantics.ts';
import type { Topology } from '../topology.ts';
import { Draft } from './draft.ts';
import type { LegacyContainer, LegacyFile, LegacyWorld } from './state.ts';
import { overlapsDma, unmapType1 } from './type1.ts';

export interface LegacyStepOutcome {
  readonly world: LegacyWorld;
  readonly result: OpResult;
}

interface Ctx {
  readonly d: Draft;
  readonly topo: Topology;
  readonly version: KernelVersion;
}

/** The errno a legacy file gives an ioctl that is not its own (1.6: a container with no driver says EINVAL). */
function foreign(d: Draft, f: LegacyFile): Errno {
  if (f.kind === 'container') return d.container(f.container).driver === 'none' ? 'EINVAL' : 'ENOTTY';
  return 'ENOTTY';
}

function containerOf(
  c: Ctx,
  a: { readonly actor: number; readonly fd: number },
): { container: number; c: LegacyContainer } | Errno {
  const t = c.d.lookup(a.actor as never, a.fd as never);
  if (t === undefined) return 'EBADF';
  if (t.file.kind !== 'container') return foreign(c.d, t.file);
  return { container: t.file.container, c: c.d.container(t.file.container) };
}

const aligned = (n: number) => n % PAGE_SIZE === 0;

/** Per version: does type1 still know VFIO_TYPE1_NESTING_IOMMU (Semantics.legacyType1Nesting)? */
const NESTING = Object.fromEntries(KERNEL_VERSIONS.map((v) => [v, semantics(v).legacyType1Nesting])) as Record<
  KernelVersion,
  boolean
>;

/** 1.3 VFIO_CHECK_EXTENSION: depends on the phase; never fails. enable_unsafe_noiommu_mode=1 is assumed. */
function checkExtension(c: Ctx, k: LegacyContainer, ext: number): number {
  const nesting = NESTING[c.version] ? 1 : 0; // VFIO_TYPE1_NESTING_IOMMU removed in v6.13 (35890f85573c)
  const mdev = k.groups.some((g) => c.topo.groups[g]?.kind === 'emulated');
  switch (k.driver) {
    case 'none':
      if (k.groups.length > 0 && k.noiommu) return ext === X.VFIO_NOIOMMU_IOMMU ? 1 : 0;
      if (ext === X.VFIO_TYPE1_IOMMU || ext === X.VFIO_TYPE1v2_IOMMU || ext === X.VFIO_UNMAP_ALL) return 1;
      if (ext === X.VFIO_TYPE1_NESTING_IOMMU) return nesting;
      if (ext === X.VFIO_NOIOMMU_IOMMU) return k.groups.length === 0 ? 1 : 0;
      return 0;
    case 'type1':
    case 'type1v2':
      if (ext === X.VFIO_TYPE1_IOMMU || ext === X.VFIO_TYPE1v2_IOMMU || ext === X.VFIO_UNMAP_ALL) return 1;
      // vfio_iommu_type1.c vfio_domains_have_enforce_cache_coherency(): 0 once a domain that does not enforce
      // coherency exists; every IOMMU group in the container has a domain, an emulated (mdev) group none. Found
      // by the lab: QEMU's VT-d has no snoop control, so the answer is 0 there.
      if (ext === X.VFIO_DMA_CC_IOMMU)
        return k.groups.some((g) => c.topo.groups[g]?.kind === 'iommu') && !c.topo.iommuEnforcesCoherency ? 0 : 1;
      if (ext === X.VFIO_TYPE1_NESTING_IOMMU) return nesting;
      if (ext === X.VFIO_UPDATE_VADDR) return mdev ? 0 : 1;
      return 0;
    case 'noiommu':
      return ext === X.VFIO_NOIOMMU_IOMMU ? 1 : 0;
    default: {
      const never: never = k.driver;
      return never;
    }
  }
}

/** 1.5 VFIO_SET_IOMMU: EINVAL with no groups or a driver already set; an unsupported type is ENODEV. */
function setIommu(c: Ctx, a: ActionOf<'VFIO_SET_IOMMU'>): OpResult {
  const r = containerOf(c, a);
  if (typeof r === 'string') return err(r);
  const k = r.c;
  if (k.groups.length === 0 || k.driver !== 'none') return err('EINVAL');
  let driver: LegacyContainer['driver'];
  if (k.noiommu) {
    if (a.type !== X.VFIO_NOIOMMU_IOMMU) return err('ENODEV');
    driver = 'noiommu';
  } else if (a.type === X.VFIO_TYPE1_IOMMU) driver = 'type1';
  else if (a.type === X.VFIO_TYPE1v2_IOMMU || (a.type === X.VFIO_TYPE1_NESTING_IOMMU && NESTING[c.version]))
    driver = 'type1v2';
  else return err('ENODEV');
  c.d.containers[r.container] = { ...k, driver };
  return ok(0);
}

function requireType1(
  c: Ctx,
  a: { readonly actor: number; readonly fd: number },
): { container: number; c: LegacyContainer } | Errno {
  const r = containerOf(c, a);
  if (typeof r === 'string') return r;
  if (r.c.driver === 'none') return 'EINVAL';
  if (r.c.driver === 'noiommu') return 'ENOTTY';
  return r;
}

/** 2.1 type1 MAP_DMA: argsz/flags, READ|WRITE vs VADDR, size 0 or unaligned, overlap (EEXIST). */
function mapDma(c: Ctx, a: ActionOf<'VFIO_IOMMU_MAP_DMA'>): OpResult {
  const r = requireType1(c, a);
  if (typeof r === 'string') return err(r);
  if (a.argsz < MINSZ.VFIO_IOMMU_MAP_DMA || (a.flags & ~(MAPF.READ | MAPF.WRITE | MAPF.VADDR)) !== 0)
    return err('EINVAL');
  const prot = a.flags & (MAPF.READ | MAPF.WRITE);
  const vaddr = (a.flags & MAPF.VADDR) !== 0;
  if ((prot !== 0 && vaddr) || (prot === 0 && !vaddr)) return err('EINVAL');
  if (vaddr) return unmodelled('VFIO_DMA_MAP_FLAG_VADDR (live update) is outside the model');
  if (a.size === 0 || !aligned(a.iova) || !aligned(a.size)) return err('EINVAL');
  const last = a.iova + a.size - 1;
  if (overlapsDma(r.c.dma, a.iova, last)) return err('EEXIST');
  c.d.containers[r.container] = { ...r.c, dma: [...r.c.dma, { iova: a.iova, last }].sort((x, y) => x.iova - y.iova) };
  return ok(0);
}

/** 2.2 type1 UNMAP_DMA: flags, ALL, size 0 or unaligned, v2 bisect (EINVAL), v1 whole-mapping removal. */
function unmapDma(c: Ctx, a: ActionOf<'VFIO_IOMMU_UNMAP_DMA'>): OpResult {
  const r = requireType1(c, a);
  if (typeof r === 'string') return err(r);
  const known = UNMAPF.GET_DIRTY_BITMAP | UNMAPF.VADDR | UNMAPF.ALL;
  if (a.argsz < MINSZ.VFIO_IOMMU_UNMAP_DMA || (a.flags & ~known) !== 0) return err('EINVAL');
  if ((a.flags & (UNMAPF.VADDR | UNMAPF.GET_DIRTY_BITMAP)) !== 0)
    return unmodelled('VADDR and dirty-bitmap unmaps are outside the model');
  if (!aligned(a.iova)) return err('EINVAL');
  if ((a.flags & UNMAPF.ALL) !== 0) {
    if (a.iova !== 0 || a.size !== 0) return err('EINVAL');
    const size = r.c.dma.reduce((n, x) => n + (x.last - x.iova + 1), 0);
    c.d.containers[r.container] = { ...r.c, dma: [] };
    return ok(0, { size });
  }
  if (a.size === 0 || !aligned(a.size)) return err('EINVAL');
  const u = unmapType1(r.c.dma, a.iova, a.iova + a.size - 1, r.c.driver === 'type1v2');
  if (u.kind === 'bisect') return err('EINVAL');
  c.d.containers[r.container] = { ...r.c, dma: u.dma };
  return ok(0, { size: u.size });
}

function getInfo(c: Ctx, a: ActionOf<'VFIO_IOMMU_GET_INFO'>): OpResult {
  const r = requireType1(c, a);
  if (typeof r === 'string') return err(r);
  if (a.argsz < MINSZ.VFIO_IOMMU_GET_INFO) return err('EINVAL');
  return ok(0, { flags: 3 });
}

function groupFile(c: Ctx, a: { readonly actor: number; readonly fd: number }): GroupIdx | Errno {
  const t = c.d.lookup(a.actor as never, a.fd as never);
  if (t === undefined) return 'EBADF';
  if (t.file.kind !== 'group') return foreign(c.d, t.file);
  return t.file.group;
}

/** 1.4 VFIO_GROUP_SET_CONTAINER with a real container: EBADF, EINVAL (already in one), EBADFD (not a
 * container), EPERM (mixing noiommu and normal groups); with a driver set the group is attached at once. */
function setContainer(c: Ctx, a: ActionOf<'VFIO_GROUP_SET_CONTAINER'>): OpResult {
  const g = groupFile(c, a);
  if (typeof g === 'string') return err(g);
  const t = c.d.lookup(a.actor, a.container_fd);
  if (t === undefined) return err('EBADF');
  if (c.d.group(g).container !== null) return err('EINVAL');
  if (t.file.kind !== 'container') return err('EBADFD');
  const k = c.d.container(t.file.container);
  const noiommu = c.topo.groups[g]?.kind === 'noiommu';
  if (k.groups.length > 0 && k.noiommu !== noiommu) return err('EPERM');
  c.d.containers[t.file.container] = { ...k, groups: [...k.groups, g], noiommu };
  c.d.groups[g] = { ...c.d.group(g), container: t.file.container, containerUsers: 1 };
  return ok(0);
}

/** 1.9 detach: the last group leaving releases the driver and every mapping (back to EMPTY). */
function detach(c: Ctx, g: GroupIdx): void {
  const i = c.d.group(g).container;
  if (i === null) return;
  const k = c.d.container(i);
  const groups = k.groups.filter((x) => x !== g);
  c.d.groups[g] = { ...c.d.group(g), container: null, containerUsers: 0 };
  const fileOpen = c.d.files.some((f) => f?.kind === 'container' && f.container === i);
  if (groups.length === 0 && !fileOpen) c.d.containers[i] = undefined;
  else
    c.d.containers[i] =
      groups.length === 0 ? { ...k, groups, driver: 'none', dma: [], noiommu: false } : { ...k, groups };
}

function unsetContainer(c: Ctx, a: ActionOf<'VFIO_GROUP_UNSET_CONTAINER'>): OpResult {
  const g = groupFile(c, a);
  if (typeof g === 'string') return err(g);
  const s = c.d.group(g);
  if (s.container === null) return err('EINVAL');
  if (s.containerUsers !== 1) return err('EBUSY');
  detach(c, g);
  return ok(0);
}

/** 1.7 GET_DEVICE_FD: ENODEV (name), EINVAL (no container), first open needs a driver (EINVAL). */
function getDeviceFd(c: Ctx, a: ActionOf<'VFIO_GROUP_GET_DEVICE_FD'>): OpResult {
  const g = groupFile(c, a);
  if (typeof g === 'string') return err(g);
  if (!(c.topo.groups[g]?.devices ?? []).includes(a.device)) return err('ENODEV');
  const s = c.d.group(g);
  if (s.container === null) return err('EINVAL');
  const opened = c.d.openCounts[a.device] ?? 0;
  if (opened === 0) {
    if (c.d.container(s.container).driver === 'none') return err('EINVAL');
    c.d.groups[g] = { ...s, containerUsers: s.containerUsers + 1 };
  }
  c.d.openCounts[a.device] = opened + 1;
  return ok(c.d.install(a.actor, c.d.newFile({ kind: 'device', fds: 0, device: a.device })));
}

function close(c: Ctx, a: ActionOf<'close'>): OpResult {
  const t = c.d.lookup(a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  const table = c.d.fdTables[a.actor];
  if (table !== undefined) table[a.fd] = undefined;
  const fds = t.file.fds - 1;
  c.d.files[t.id] = { ...t.file, fds };
  if (fds === 0) release(c, t.id);
  return ok(0);
}

/** A group file is released once no fd and no device file of its devices holds it (device fds take a
 * reference on the group file in container mode: vfio_group_use_container() get_file()). */
function releaseGroupIfUnused(c: Ctx, g: GroupIdx): void {
  const s = c.d.group(g);
  if (s.file === null) return;
  const f = c.d.files[s.file];
  if (f === undefined || f.fds > 0) return;
  const members = c.topo.groups[g]?.devices ?? [];
  if (c.d.files.some((x) => x?.kind === 'device' && members.includes(x.device as never))) return;
  c.d.files[s.file] = undefined;
  detach(c, g);
  c.d.groups[g] = { ...c.d.group(g), file: null };
}

function release(c: Ctx, id: FileId): void {
  const f = c.d.files[id];
  if (f === undefined) return;
  switch (f.kind) {
    case 'container': {
      c.d.files[id] = undefined;
      const k = c.d.container(f.container);
      // 1.10: the container outlives its fd while groups hold it.
      if (k.groups.length === 0) c.d.containers[f.container] = undefined;
      return;
    }
    case 'group':
      releaseGroupIfUnused(c, f.group);
      return;
    case 'device': {
      c.d.files[id] = undefined;
      const n = (c.d.openCounts[f.device] ?? 0) - 1;
      c.d.openCounts[f.device] = n;
      const g = c.topo.devices[f.device]?.group;
      if (g === undefined) return;
      if (n === 0) c.d.groups[g] = { ...c.d.group(g), containerUsers: c.d.group(g).containerUsers - 1 };
      releaseGroupIfUnused(c, g);
      return;
    }
    default: {
      const never: never = f;
      throw new Error(`unreachable ${String(never)}`);
    }
  }
}

function dispatch(c: Ctx, a: Action): OpResult {
  switch (a.kind) {
    case 'open': {
      let i = 0;
      while (i < c.d.containers.length && c.d.containers[i] !== undefined) i++;
      c.d.containers[i] = { groups: [], driver: 'none', noiommu: false, dma: [] };
      return ok(c.d.install(a.actor, c.d.newFile({ kind: 'container', fds: 0, container: i })));
    }
    case 'open_group': {
      const s = c.d.group(a.group);
      if (s.file !== null) return err('EBUSY');
      const id = c.d.newFile({ kind: 'group', fds: 0, group: a.group });
      c.d.groups[a.group] = { ...s, file: id };
      return ok(c.d.install(a.actor, id));
    }
    case 'close':
      return close(c, a);
    case 'pass_fd': {
      const t = c.d.lookup(a.actor, a.fd);
      return t === undefined ? err('EBADF') : ok(c.d.install(a.to, t.id));
    }
    case 'VFIO_GET_API_VERSION': {
      const r = containerOf(c, a);
      return typeof r === 'string' ? err(r) : ok(0);
    }
    case 'VFIO_CHECK_EXTENSION': {
      const r = containerOf(c, a);
      return typeof r === 'string' ? err(r) : ok(checkExtension(c, r.c, a.ext));
    }
    case 'VFIO_SET_IOMMU':
      return setIommu(c, a);
    case 'VFIO_IOMMU_GET_INFO':
      return getInfo(c, a);
    case 'VFIO_IOMMU_MAP_DMA':
      return mapDma(c, a);
    case 'VFIO_IOMMU_UNMAP_DMA':
      return unmapDma(c, a);
    case 'VFIO_GROUP_SET_CONTAINER':
      return setContainer(c, a);
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return unsetContainer(c, a);
    case 'VFIO_GROUP_GET_DEVICE_FD':
      return getDeviceFd(c, a);
    case 'open_cdev':
    case 'IOMMU_IOAS_ALLOC':
    case 'IOMMU_DESTROY':
    case 'IOMMU_VFIO_IOAS':
    case 'IOMMU_HWPT_ALLOC':
    case 'IOMMU_IOAS_MAP':
    case 'IOMMU_IOAS_UNMAP':
    case 'VFIO_DEVICE_BIND_IOMMUFD':
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
    case 'IOMMU_OPTION':
    case 'IOMMU_TEST_OP_MOCK_DOMAIN':
    case 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE':
    case 'IOMMU_TEST_OP_CREATE_ACCESS':
    case 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS':
    case 'IOMMU_TEST_OP_ACCESS_PAGES':
    case 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES':
    case 'IOMMU_IOAS_IOVA_RANGES':
    case 'IOMMU_IOAS_ALLOW_IOVAS':
    case 'IOMMU_IOAS_COPY':
    case 'IOMMU_TEST_OP_ADD_RESERVED':
    case 'IOMMU_IOAS_MAP_USER_VA':
      return unmodelled(`${a.kind} is not a legacy VFIO operation`);
    default: {
      const never: never = a;
      throw new Error(`unreachable ${JSON.stringify(never)}`);
    }
  }
}

/** Applies one legacy application action to the legacy container model. Pure. */
export function legacyStep(
  world: LegacyWorld,
  action: Action,
  version: KernelVersion,
  topo: Topology,
): LegacyStepOutcome {
  const c: Ctx = { d: new Draft(world), topo, version };
  const result = dispatch(c, action);
  return { world: c.d.done(), result };
}
