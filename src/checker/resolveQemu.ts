// Resolution of templates into a QEMU-shaped legacy sequence (legacy-vfio.md section 4, "Where the two
// agree"): the prefix open, open_group, SET_CONTAINER, SET_IOMMU(TYPE1v2) is forced, exactly once; the body
// maps fresh aligned ranges, unmaps exactly a range it mapped before (perhaps already unmapped) or all,
// opens devices of its group, closes device fds, and asks GET_INFO and CHECK_EXTENSION(TYPE1v2).
import { type Action, VFIO_DMA_UNMAP_FLAG, VFIO_EXT } from '../model/actions.ts';
import { actorId, deviceIdx, type Fd, fd, type GroupIdx } from '../model/ids.ts';
import { PAGE_SIZE } from '../model/kernel/iopt.ts';
import type { World } from '../model/state.ts';
import type { Topology } from '../model/topology.ts';
import type { Template } from './template.ts';

const QEMU = actorId(0);
/** Physical-device groups a QEMU-shaped run may use (no mdev, no no-IOMMU group). */
const physicalGroups = (topo: Topology) => topo.groups.flatMap((g, i) => (g.kind === 'iommu' ? [i] : []));

function fdOf(w: World, kind: 'iommufd' | 'group' | 'device'): Fd[] {
  const out: Fd[] = [];
  (w.fdTables[QEMU] ?? []).forEach((id, n) => {
    if (id !== undefined && w.files[id]?.kind === kind) out.push(fd(n));
  });
  return out;
}

export function resolveQemu(w: World, t: Template, topo: Topology, history: readonly Action[]): Action {
  const container = fdOf(w, 'iommufd')[0];
  if (container === undefined) return { kind: 'open', actor: QEMU, path: '/dev/vfio/vfio' };
  const groupFd = fdOf(w, 'group')[0];
  if (groupFd === undefined) {
    const groups = physicalGroups(topo);
    return { kind: 'open_group', actor: QEMU, group: (groups[t.p[0] % groups.length] ?? 0) as GroupIdx };
  }
  const gid = w.fdTables[QEMU]?.[groupFd];
  const gfile = gid === undefined ? undefined : w.files[gid];
  const g = gfile?.kind === 'group' ? gfile.group : null;
  if (g === null || w.groups[g]?.iommufd == null)
    return { kind: 'VFIO_GROUP_SET_CONTAINER', actor: QEMU, fd: groupFd, container_fd: container, fault: null };
  if (!history.some((a) => a.kind === 'VFIO_SET_IOMMU'))
    return { kind: 'VFIO_SET_IOMMU', actor: QEMU, fd: container, type: VFIO_EXT.VFIO_TYPE1v2_IOMMU };
  const [p0, p1] = t.p;
  switch (t.kind) {
    case 'VFIO_IOMMU_MAP_DMA': {
      // A fresh range: the first free slot at or after the picked one (slots of 1-4 pages over 16 pages).
      const size = (1 + (p1 % 4)) * PAGE_SIZE;
      const mapped = history.filter((a) => a.kind === 'VFIO_IOMMU_MAP_DMA');
      const taken = (iova: number) =>
        mapped.some((m) => m.kind === 'VFIO_IOMMU_MAP_DMA' && m.iova < iova + size && iova < m.iova + m.size);
      let slot = p0 % 16;
      for (let i = 0; i < 16 && taken(slot * PAGE_SIZE); i++) slot = (slot + 1) % 16;
      return {
        kind: 'VFIO_IOMMU_MAP_DMA',
        actor: QEMU,
        fd: container,
        argsz: 32,
        flags: 3,
        iova: slot * PAGE_SIZE,
        size,
      };
    }
    case 'VFIO_IOMMU_UNMAP_DMA': {
      // A range it mapped before that is now either mapped exactly so or wholly free (perhaps unmapped
      // already): QEMU unmaps what it mapped, never a piece of a later mapping.
      const c = w.fdTables[QEMU]?.[container];
      const cf = c === undefined ? undefined : w.files[c];
      const ictx = cf?.kind === 'iommufd' ? w.ctxs[cf.ctx] : undefined;
      const ioas = ictx?.vfioIoas == null ? undefined : ictx.objects[ictx.vfioIoas];
      const areas = ioas?.type === 'IOAS' ? ioas.areas : [];
      const matching = history.filter((a) => {
        if (a.kind !== 'VFIO_IOMMU_MAP_DMA') return false;
        const last = a.iova + a.size - 1;
        return areas.every((x) => x.last < a.iova || x.iova > last || (x.iova === a.iova && x.last === last));
      });
      const m = matching[p0 % Math.max(1, matching.length)];
      if (m === undefined || m.kind !== 'VFIO_IOMMU_MAP_DMA' || p1 % 8 === 7) {
        return {
          kind: 'VFIO_IOMMU_UNMAP_DMA',
          actor: QEMU,
          fd: container,
          argsz: 24,
          flags: VFIO_DMA_UNMAP_FLAG.ALL,
          iova: 0,
          size: 0,
        };
      }
      return {
        kind: 'VFIO_IOMMU_UNMAP_DMA',
        actor: QEMU,
        fd: container,
        argsz: 24,
        flags: 0,
        iova: m.iova,
        size: m.size,
      };
    }
    case 'VFIO_GROUP_GET_DEVICE_FD': {
      const members = topo.groups[g]?.devices ?? [];
      return {
        kind: 'VFIO_GROUP_GET_DEVICE_FD',
        actor: QEMU,
        fd: groupFd,
        device: members[p0 % members.length] ?? deviceIdx(0),
        fault: null,
      };
    }
    case 'close': {
      const devices = fdOf(w, 'device');
      const d = devices[p0 % Math.max(1, devices.length)];
      if (d !== undefined) return { kind: 'close', actor: QEMU, fd: d };
      return { kind: 'VFIO_IOMMU_GET_INFO', actor: QEMU, fd: container, argsz: 104 };
    }
    case 'VFIO_CHECK_EXTENSION':
      return { kind: 'VFIO_CHECK_EXTENSION', actor: QEMU, fd: container, ext: VFIO_EXT.VFIO_TYPE1v2_IOMMU };
    default:
      return { kind: 'VFIO_IOMMU_GET_INFO', actor: QEMU, fd: container, argsz: 104 };
  }
}
