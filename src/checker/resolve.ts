// Turns a template into a concrete action against the current world: fds, ids and devices are picked among
// those that exist, with a small, deliberate share of invalid choices (closed fds, wrong file kinds, stale or
// unknown ids, bad flags) so that error paths are exercised too.
import {
  type Action,
  type ActionKind,
  IOMMU_IOAS_MAP_FLAG,
  LEGACY_KINDS,
  VFIO_DMA_MAP_FLAG,
  VFIO_DMA_UNMAP_FLAG,
  VFIO_EXT,
  VFIO_IOAS_OP,
} from '../model/actions.ts';
import { type ActorId, actorId, type DeviceIdx, deviceIdx, type Fd, type GroupIdx, fd as mkFd } from '../model/ids.ts';
import { PAGE_SIZE } from '../model/kernel/iopt.ts';
import type { IommufdObject, OpenFile, World } from '../model/state.ts';
import type { Topology } from '../model/topology.ts';
import type { Template } from './template.ts';

type FileKind = OpenFile['kind'];

/** One choice in `invalidEvery` goes to the invalid alternative. */
const invalidEvery = 10;

/**
 * Native-only kinds go to a native actor. Legacy kinds go to a legacy actor three times in four when one
 * exists: the legacy application sets things up (it opens the iommufd and hands it over with pass_fd), and the
 * native one mostly acts on what it was given, which is how the two end up sharing an iommufd. Actors that
 * hold an fd of the kind the action needs are preferred.
 */
function actorFor(w: World, topo: Topology, kind: ActionKind, p: number): ActorId {
  const needs = NEEDS[kind];
  const { legacy, native } = actorKinds(topo);
  const legacyPool = narrow(w, legacy, needs);
  const nativePool = narrow(w, native, needs);
  let pool: readonly number[];
  if (!LEGACY_KINDS.has(kind)) pool = nativePool;
  else if (legacy.length === 0 || native.length === 0) pool = legacy.length === 0 ? nativePool : legacyPool;
  else {
    const lh = holdsAny(w, legacy, needs);
    const nh = holdsAny(w, native, needs);
    if (lh !== nh) pool = lh ? legacyPool : nativePool;
    else pool = p % 4 === 3 ? nativePool : legacyPool;
  }
  // Templates of native kinds are only generated when a native actor exists (see kindsFor()).
  return actorId(pool[Math.floor(p / 4) % pool.length] ?? 0);
}

const ACTOR_KINDS = new WeakMap<Topology, { readonly legacy: readonly number[]; readonly native: readonly number[] }>();

/** The topology's legacy and native actor indices (cached: resolve() runs once per generated step). */
function actorKinds(topo: Topology): { readonly legacy: readonly number[]; readonly native: readonly number[] } {
  let k = ACTOR_KINDS.get(topo);
  if (k === undefined) {
    const legacy: number[] = [];
    const native: number[] = [];
    topo.actors.forEach((a, i) => {
      (a.kind === 'legacy' ? legacy : native).push(i);
    });
    k = { legacy, native };
    ACTOR_KINDS.set(topo, k);
  }
  return k;
}

function holdsKind(w: World, actor: number, kind: FileKind): boolean {
  const table = w.fdTables[actor];
  if (table === undefined) return false;
  for (const id of table) if (id !== undefined && w.files[id]?.kind === kind) return true;
  return false;
}

function holdsAny(w: World, actors: readonly number[], needs: FileKind | undefined): boolean {
  if (needs === undefined) return true;
  for (const a of actors) if (holdsKind(w, a, needs)) return true;
  return false;
}

/** The actors that hold an fd of the needed kind, or all of them when none does. */
function narrow(w: World, actors: readonly number[], needs: FileKind | undefined): readonly number[] {
  if (needs === undefined || !holdsAny(w, actors, needs)) return actors;
  const out: number[] = [];
  for (const a of actors) if (holdsKind(w, a, needs)) out.push(a);
  return out;
}

/** The kind of fd an action is issued on (for preferring actors that hold one). */
const NEEDS: Partial<Record<ActionKind, FileKind>> = {
  VFIO_GROUP_SET_CONTAINER: 'group',
  VFIO_GROUP_UNSET_CONTAINER: 'group',
  VFIO_GROUP_GET_DEVICE_FD: 'group',
  VFIO_IOMMU_MAP_DMA: 'iommufd',
  VFIO_IOMMU_UNMAP_DMA: 'iommufd',
  VFIO_SET_IOMMU: 'iommufd',
  VFIO_CHECK_EXTENSION: 'iommufd',
  VFIO_IOMMU_GET_INFO: 'iommufd',
  VFIO_GET_API_VERSION: 'iommufd',
  IOMMU_IOAS_ALLOC: 'iommufd',
  IOMMU_DESTROY: 'iommufd',
  IOMMU_VFIO_IOAS: 'iommufd',
  IOMMU_HWPT_ALLOC: 'iommufd',
  IOMMU_IOAS_MAP: 'iommufd',
  IOMMU_IOAS_UNMAP: 'iommufd',
  VFIO_DEVICE_BIND_IOMMUFD: 'cdev',
  VFIO_DEVICE_ATTACH_IOMMUFD_PT: 'cdev',
  VFIO_DEVICE_DETACH_IOMMUFD_PT: 'cdev',
  pass_fd: 'iommufd',
};

function fdsOf(w: World, actor: ActorId, kinds: readonly FileKind[]): Fd[] {
  const out: Fd[] = [];
  (w.fdTables[actor] ?? []).forEach((id, n) => {
    const f = id === undefined ? undefined : w.files[id];
    if (f !== undefined && kinds.includes(f.kind)) out.push(mkFd(n));
  });
  return out;
}

type Prefer = (f: OpenFile) => boolean;

/**
 * An fd of one of `kinds` most of the time, preferring (three times in four) the ones for which `prefer` holds,
 * so that sequences reach deep states; otherwise some other fd of the actor, or a closed one.
 */
function pickFd(w: World, actor: ActorId, kinds: readonly FileKind[], p: number, prefer?: Prefer): Fd {
  const good = fdsOf(w, actor, kinds);
  if (good.length > 0 && p % invalidEvery !== invalidEvery - 1) {
    const preferred = prefer === undefined ? [] : good.filter((f) => prefer(fileOf(w, actor, f)));
    const pool = preferred.length > 0 && p % 4 !== 3 ? preferred : good;
    return pool[Math.floor(p / 4) % pool.length] as Fd;
  }
  const any = fdsOf(w, actor, ['iommufd', 'group', 'device', 'cdev']);
  const others = any.filter((f) => !good.includes(f));
  if (others.length > 0 && p % 2 === 0) return others[p % others.length] as Fd;
  return mkFd(Math.max(2, (w.fdTables[actor]?.length ?? 0) - 1) + 1);
}

function fileOf(w: World, actor: ActorId, f: Fd): OpenFile {
  const id = w.fdTables[actor]?.[f];
  const file = id === undefined ? undefined : w.files[id];
  if (file === undefined) throw new Error('checker bug: fd from fdsOf() is not open');
  return file;
}

const groupHasIommufd = (w: World) => (f: OpenFile) => f.kind === 'group' && w.groups[f.group]?.iommufd != null;
const groupWithoutIommufd = (w: World) => (f: OpenFile) => f.kind === 'group' && w.groups[f.group]?.iommufd == null;
const hasCompat = (w: World) => (f: OpenFile) => f.kind === 'iommufd' && w.ctxs[f.ctx]?.vfioIoas != null;
const usedByGroup = (w: World) => (f: OpenFile) => f.kind === 'iommufd' && w.groups.some((g) => g.iommufd === f.ctx);

/** The ctx behind an actor's fd, if it is an iommufd. */
function ctxBehind(w: World, actor: ActorId, f: Fd): number | null {
  const id = w.fdTables[actor]?.[f];
  const file = id === undefined ? undefined : w.files[id];
  return file?.kind === 'iommufd' ? file.ctx : null;
}

/**
 * A live object id of the given types in the ctx behind `f` most of the time (three times in four one for
 * which `prefer` holds, if any); otherwise an id the op must refuse, in turn: one past the highest id, 0, the id
 * of a live object of another type (a HWPT where an IOAS is expected, a DEVICE to IOMMU_VFIO_IOAS SET), and a
 * freed id (a hole that the next allocation would reuse). The last two exercise the kernel's type checks
 * (iommufd_get_object()'s ENOENT for the wrong type, the ops' own EINVAL), which 0 and one-past-the-end never do.
 */
function pickId(
  w: World,
  actor: ActorId,
  f: Fd,
  types: readonly string[],
  p: number,
  prefer?: (o: IommufdObject, id: number) => boolean,
): number {
  const c = ctxBehind(w, actor, f);
  const objects = c === null ? [] : (w.ctxs[c]?.objects ?? []);
  const ids: number[] = [];
  const preferred: number[] = [];
  objects.forEach((o, id) => {
    if (o === undefined || !types.includes(o.type)) return;
    ids.push(id);
    if (prefer?.(o, id)) preferred.push(id);
  });
  if (ids.length > 0 && p % invalidEvery !== invalidEvery - 1) {
    const pool = preferred.length > 0 && p % 4 !== 3 ? preferred : ids;
    return pool[Math.floor(p / 4) % pool.length] as number;
  }
  const which = Math.floor(p / invalidEvery) % 4;
  if (which === 2 || which === 3) {
    const pool: number[] = [];
    objects.forEach((o, id) => {
      if (id === 0) return;
      if (which === 2 ? o !== undefined && !types.includes(o.type) : o === undefined) pool.push(id);
    });
    if (pool.length > 0) return pool[Math.floor(p / (invalidEvery * 4)) % pool.length] as number;
  }
  return which % 2 === 0 ? objects.length : 0;
}

function groupOfFd(w: World, actor: ActorId, f: Fd): GroupIdx | null {
  const id = w.fdTables[actor]?.[f];
  const file = id === undefined ? undefined : w.files[id];
  return file?.kind === 'group' ? file.group : null;
}

const pageIova = (p: number) => (p % 8) * PAGE_SIZE;
const pageSize = (p: number) => (p % 16 === 15 ? 0 : (1 + (p % 4)) * PAGE_SIZE);

function anyFdOfKind(w: World, kind: FileKind): boolean {
  for (let a = 0; a < w.fdTables.length; a++) if (holdsKind(w, a, kind)) return true;
  return false;
}

function anyGroupWithIommufd(w: World): boolean {
  for (const table of w.fdTables) {
    for (const id of table) {
      const f = id === undefined ? undefined : w.files[id];
      if (f?.kind === 'group' && w.groups[f.group]?.iommufd != null) return true;
    }
  }
  return false;
}

function anyBoundCdev(w: World): boolean {
  for (const f of w.files) if (f?.kind === 'cdev' && f.bound !== null) return true;
  return false;
}

function anyActorHoldsGroupAndIommufd(w: World): boolean {
  for (let a = 0; a < w.fdTables.length; a++) if (holdsKind(w, a, 'group') && holdsKind(w, a, 'iommufd')) return true;
  return false;
}

/**
 * The prerequisite a template's kind is missing, if any: a group ioctl with no group fd open becomes
 * open_group, GET_DEVICE_FD with no group attached to an iommufd becomes SET_CONTAINER, and so on. Applied
 * seven times in eight, so that calls without their prerequisite are still generated on purpose.
 */
function prerequisite(w: World, kind: ActionKind): ActionKind | null {
  const needs = NEEDS[kind];
  if (needs !== undefined && !anyFdOfKind(w, needs))
    return needs === 'group' ? 'open_group' : needs === 'cdev' ? 'open_cdev' : 'open';
  if (kind === 'VFIO_GROUP_SET_CONTAINER' && !anyActorHoldsGroupAndIommufd(w)) return 'open';
  if (kind === 'VFIO_GROUP_GET_DEVICE_FD' && !anyGroupWithIommufd(w)) return 'VFIO_GROUP_SET_CONTAINER';
  if ((kind === 'VFIO_DEVICE_ATTACH_IOMMUFD_PT' || kind === 'VFIO_DEVICE_DETACH_IOMMUFD_PT') && !anyBoundCdev(w))
    return 'VFIO_DEVICE_BIND_IOMMUFD';
  return null;
}

export function resolve(w: World, template: Template, topo: Topology): Action {
  let t = template;
  for (let depth = 0; depth < 3 && t.p[3] % 8 !== 7; depth++) {
    const pre = prerequisite(w, t.kind);
    if (
      pre === null ||
      (pre === 'open_cdev' && !LEGACY_KINDS.has(t.kind) && !topo.actors.some((a) => a.kind === 'native'))
    )
      break;
    if (!LEGACY_KINDS.has(pre) && !topo.actors.some((a) => a.kind === 'native')) break;
    t = { ...t, kind: pre, fault: null };
  }
  const actor = actorFor(w, topo, t.kind, t.actor);
  const [p0, p1, p2, p3] = t.p;
  const native = topo.actors[actor]?.kind === 'native';
  switch (t.kind) {
    case 'open':
      return { kind: 'open', actor, path: native && p0 % 2 === 0 ? '/dev/iommu' : '/dev/vfio/vfio' };
    case 'open_group': {
      const closed = topo.groups.map((_, i) => i).filter((i) => w.groups[i]?.file === null);
      const pool = closed.length > 0 && p1 % 4 !== 3 ? closed : topo.groups.map((_, i) => i);
      return { kind: 'open_group', actor, group: (pool[p0 % pool.length] ?? 0) as GroupIdx };
    }
    case 'open_cdev':
      return { kind: 'open_cdev', actor, device: deviceIdx(p0 % topo.devices.length) };
    case 'close':
      return { kind: 'close', actor, fd: pickFd(w, actor, ['iommufd', 'group', 'device', 'cdev'], p0) };
    case 'pass_fd': {
      const others = topo.actors.map((_, i) => i).filter((i) => i !== actor);
      const to = actorId(others.length === 0 ? actor : (others[p1 % others.length] as number));
      return {
        kind: 'pass_fd',
        actor,
        fd: pickFd(w, actor, ['iommufd', 'group', 'device', 'cdev'], p0, (f) => f.kind === 'iommufd'),
        to,
      };
    }
    case 'IOMMU_IOAS_ALLOC':
      return {
        kind: t.kind,
        actor,
        fd: pickFd(w, actor, ['iommufd'], p0, usedByGroup(w)),
        flags: p1 % 16 === 15 ? 1 : 0,
        fault: t.fault,
      };
    case 'IOMMU_DESTROY': {
      const f = pickFd(w, actor, ['iommufd'], p0, usedByGroup(w));
      return {
        kind: t.kind,
        actor,
        fd: f,
        id: pickId(w, actor, f, ['IOAS', 'HWPT_PAGING', 'DEVICE', 'ACCESS'], p1, (o) => o.users === 1),
      };
    }
    case 'IOMMU_VFIO_IOAS': {
      const f = pickFd(w, actor, ['iommufd'], p0, usedByGroup(w));
      const opPick = p1 % 16;
      const op = opPick < 6 ? VFIO_IOAS_OP.SET : opPick < 11 ? VFIO_IOAS_OP.GET : opPick < 15 ? VFIO_IOAS_OP.CLEAR : 3;
      const compat = ctxBehind(w, actor, f);
      const current = compat === null ? null : (w.ctxs[compat]?.vfioIoas ?? null);
      const ioasId = pickId(w, actor, f, ['IOAS'], p2, (_, id) => id !== current);
      return { kind: t.kind, actor, fd: f, op, ioas_id: ioasId, reserved: p3 % 32 === 31 ? 1 : 0 };
    }
    case 'IOMMU_HWPT_ALLOC': {
      const f = pickFd(w, actor, ['iommufd'], p0);
      return {
        kind: t.kind,
        actor,
        fd: f,
        dev_id: pickId(w, actor, f, ['DEVICE'], p1),
        pt_id: pickId(w, actor, f, ['IOAS'], p2),
        flags: p3 % 32 === 31 ? 1 : 0,
        fault: t.fault,
      };
    }
    case 'IOMMU_IOAS_MAP': {
      const f = pickFd(w, actor, ['iommufd'], p0);
      const rw = IOMMU_IOAS_MAP_FLAG.READABLE | IOMMU_IOAS_MAP_FLAG.WRITEABLE;
      return {
        kind: t.kind,
        actor,
        fd: f,
        ioas_id: pickId(w, actor, f, ['IOAS'], p1),
        flags: IOMMU_IOAS_MAP_FLAG.FIXED_IOVA | rw,
        iova: pageIova(p2),
        length: pageSize(p3),
        reserved: 0,
      };
    }
    case 'IOMMU_IOAS_UNMAP': {
      const f = pickFd(w, actor, ['iommufd'], p0);
      return {
        kind: t.kind,
        actor,
        fd: f,
        ioas_id: pickId(w, actor, f, ['IOAS'], p1),
        iova: pageIova(p2),
        length: pageSize(p3),
      };
    }
    case 'VFIO_GET_API_VERSION':
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['iommufd'], p0) };
    case 'VFIO_CHECK_EXTENSION': {
      const exts = [
        VFIO_EXT.VFIO_TYPE1v2_IOMMU,
        VFIO_EXT.VFIO_TYPE1_IOMMU,
        VFIO_EXT.VFIO_DMA_CC_IOMMU,
        VFIO_EXT.VFIO_UNMAP_ALL,
        VFIO_EXT.VFIO_NOIOMMU_IOMMU,
        VFIO_EXT.VFIO_UPDATE_VADDR,
      ];
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['iommufd'], p0), ext: exts[p1 % exts.length] as number };
    }
    case 'VFIO_SET_IOMMU': {
      const types = [
        VFIO_EXT.VFIO_TYPE1v2_IOMMU,
        VFIO_EXT.VFIO_TYPE1v2_IOMMU,
        VFIO_EXT.VFIO_TYPE1_IOMMU,
        VFIO_EXT.VFIO_NOIOMMU_IOMMU,
        0,
      ];
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['iommufd'], p0), type: types[p1 % types.length] as number };
    }
    case 'VFIO_IOMMU_GET_INFO':
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['iommufd'], p0), argsz: p1 % 16 === 15 ? 8 : 104 };
    case 'VFIO_IOMMU_MAP_DMA': {
      const rw = VFIO_DMA_MAP_FLAG.READ | VFIO_DMA_MAP_FLAG.WRITE;
      const flags = p3 % 32 === 31 ? VFIO_DMA_MAP_FLAG.VADDR | rw : rw;
      return {
        kind: t.kind,
        actor,
        fd: pickFd(w, actor, ['iommufd'], p0, hasCompat(w)),
        argsz: p1 % 32 === 31 ? 16 : 32,
        flags,
        iova: pageIova(p2),
        size: pageSize(p1),
      };
    }
    case 'VFIO_IOMMU_UNMAP_DMA': {
      const all = p3 % 8 === 7;
      return {
        kind: t.kind,
        actor,
        fd: pickFd(w, actor, ['iommufd'], p0, hasCompat(w)),
        argsz: 24,
        flags: all ? VFIO_DMA_UNMAP_FLAG.ALL : 0,
        iova: all ? 0 : pageIova(p2),
        size: all ? 0 : pageSize(p1),
      };
    }
    case 'VFIO_GROUP_SET_CONTAINER':
      return {
        kind: t.kind,
        actor,
        fd: pickFd(w, actor, ['group'], p0, groupWithoutIommufd(w)),
        container_fd: pickFd(w, actor, ['iommufd'], p1),
        fault: t.fault,
      };
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['group'], p0, groupHasIommufd(w)) };
    case 'VFIO_GROUP_GET_DEVICE_FD': {
      const f = pickFd(w, actor, ['group'], p0, groupHasIommufd(w));
      const g = groupOfFd(w, actor, f);
      const members = g === null ? [] : (topo.groups[g]?.devices ?? []);
      const device: DeviceIdx =
        members.length > 0 && p1 % invalidEvery !== invalidEvery - 1
          ? (members[p1 % members.length] as DeviceIdx)
          : deviceIdx(p1 % topo.devices.length);
      return { kind: t.kind, actor, fd: f, device, fault: t.fault };
    }
    case 'VFIO_DEVICE_BIND_IOMMUFD':
      return {
        kind: t.kind,
        actor,
        fd: pickFd(w, actor, ['cdev'], p0, (f) => f.kind === 'cdev' && f.bound === null),
        iommufd: pickFd(w, actor, ['iommufd'], p1),
        flags: 0,
        fault: t.fault,
      };
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT': {
      const f = pickFd(w, actor, ['cdev'], p0, (x) => x.kind === 'cdev' && x.bound !== null);
      // pt_id names an object in the iommufd the cdev is bound to.
      const id = w.fdTables[actor]?.[f];
      const file = id === undefined ? undefined : w.files[id];
      const c = file?.kind === 'cdev' ? file.bound : null;
      const objects = c === null ? [] : (w.ctxs[c]?.objects ?? []);
      const pts: number[] = [];
      objects.forEach((o, i) => {
        if (o?.type === 'IOAS' || o?.type === 'HWPT_PAGING') pts.push(i);
      });
      const pt =
        pts.length > 0 && p1 % invalidEvery !== invalidEvery - 1
          ? (pts[p1 % pts.length] as number)
          : p1 % 2 === 0
            ? objects.length
            : 1;
      return { kind: t.kind, actor, fd: f, pt_id: pt, flags: 0, fault: t.fault };
    }
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return { kind: t.kind, actor, fd: pickFd(w, actor, ['cdev'], p0), flags: 0 };
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
      // Weight 0: never generated (template.ts). Resolve to a harmless query should one ever be asked for.
      return { kind: 'VFIO_GET_API_VERSION', actor, fd: pickFd(w, actor, ['iommufd'], p0) };
    default: {
      const never: never = t.kind;
      throw new Error(`unreachable template kind ${String(never)}`);
    }
  }
}
