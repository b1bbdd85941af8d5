// The finite, fixed list of actions the explorer offers in every state under the bounds: every actor, every
// fd number in range, every id in range, every device, and (with --faults) every failure point.
import {
  type Action,
  type ActionKind,
  FAULT_POINTS,
  LEGACY_KINDS,
  VFIO_EXT,
  VFIO_IOAS_OP,
} from '../../model/actions.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../../model/ids.ts';
import { PAGE_SIZE } from '../../model/kernel/iopt.ts';
import { FAULTS_OF } from '../template.ts';
import type { ExploreBounds } from './bounds.ts';

export function actionSpace(b: ExploreBounds): readonly Action[] {
  const out: Action[] = [];
  const t = b.topology;
  const fds = Array.from({ length: b.maxFds }, (_, i) => fd(3 + i));
  const ids = Array.from({ length: b.idRange }, (_, i) => i + 1);
  const faultsOf = (k: ActionKind) => [null, ...(b.faults ? (FAULTS_OF[k] ?? []) : [])];
  t.actors.forEach((spec, ai) => {
    const actor = actorId(ai);
    const may = (k: ActionKind) => b.ops.has(k) && (spec.kind === 'native' || LEGACY_KINDS.has(k));
    if (may('open')) {
      out.push({ kind: 'open', actor, path: '/dev/vfio/vfio' });
      if (spec.kind === 'native') out.push({ kind: 'open', actor, path: '/dev/iommu' });
    }
    if (may('open_group'))
      for (let g = 0; g < t.groups.length; g++) out.push({ kind: 'open_group', actor, group: groupIdx(g) });
    if (may('open_cdev'))
      for (let d = 0; d < t.devices.length; d++) out.push({ kind: 'open_cdev', actor, device: deviceIdx(d) });
    for (const f of fds) {
      if (may('close')) out.push({ kind: 'close', actor, fd: f });
      if (may('pass_fd'))
        for (let to = 0; to < t.actors.length; to++)
          if (to !== ai) out.push({ kind: 'pass_fd', actor, fd: f, to: actorId(to) });
      if (may('IOMMU_IOAS_ALLOC'))
        for (const fault of faultsOf('IOMMU_IOAS_ALLOC'))
          out.push({ kind: 'IOMMU_IOAS_ALLOC', actor, fd: f, flags: 0, fault });
      if (may('IOMMU_DESTROY')) for (const id of ids) out.push({ kind: 'IOMMU_DESTROY', actor, fd: f, id });
      if (may('IOMMU_VFIO_IOAS')) {
        out.push({ kind: 'IOMMU_VFIO_IOAS', actor, fd: f, op: VFIO_IOAS_OP.GET, ioas_id: 0, reserved: 0 });
        out.push({ kind: 'IOMMU_VFIO_IOAS', actor, fd: f, op: VFIO_IOAS_OP.CLEAR, ioas_id: 0, reserved: 0 });
        for (const id of ids)
          out.push({ kind: 'IOMMU_VFIO_IOAS', actor, fd: f, op: VFIO_IOAS_OP.SET, ioas_id: id, reserved: 0 });
      }
      if (may('IOMMU_HWPT_ALLOC'))
        for (const d of ids)
          for (const p of ids)
            out.push({ kind: 'IOMMU_HWPT_ALLOC', actor, fd: f, dev_id: d, pt_id: p, flags: 0, fault: null });
      if (may('VFIO_CHECK_EXTENSION'))
        for (const ext of [VFIO_EXT.VFIO_TYPE1v2_IOMMU, VFIO_EXT.VFIO_DMA_CC_IOMMU])
          out.push({ kind: 'VFIO_CHECK_EXTENSION', actor, fd: f, ext });
      if (may('VFIO_SET_IOMMU'))
        for (const type of [VFIO_EXT.VFIO_TYPE1v2_IOMMU, VFIO_EXT.VFIO_TYPE1_IOMMU])
          out.push({ kind: 'VFIO_SET_IOMMU', actor, fd: f, type });
      if (may('VFIO_IOMMU_MAP_DMA'))
        out.push({ kind: 'VFIO_IOMMU_MAP_DMA', actor, fd: f, argsz: 32, flags: 3, iova: 0, size: PAGE_SIZE });
      if (may('VFIO_IOMMU_UNMAP_DMA'))
        out.push({ kind: 'VFIO_IOMMU_UNMAP_DMA', actor, fd: f, argsz: 24, flags: 0, iova: 0, size: PAGE_SIZE });
      if (may('VFIO_GROUP_SET_CONTAINER'))
        for (const c of fds)
          for (const fault of faultsOf('VFIO_GROUP_SET_CONTAINER'))
            out.push({ kind: 'VFIO_GROUP_SET_CONTAINER', actor, fd: f, container_fd: c, fault });
      if (may('VFIO_GROUP_UNSET_CONTAINER')) out.push({ kind: 'VFIO_GROUP_UNSET_CONTAINER', actor, fd: f });
      if (may('VFIO_GROUP_GET_DEVICE_FD'))
        t.devices.forEach((_, d) => {
          for (const fault of faultsOf('VFIO_GROUP_GET_DEVICE_FD'))
            out.push({ kind: 'VFIO_GROUP_GET_DEVICE_FD', actor, fd: f, device: deviceIdx(d), fault });
        });
      if (may('VFIO_DEVICE_BIND_IOMMUFD'))
        for (const c of fds)
          out.push({ kind: 'VFIO_DEVICE_BIND_IOMMUFD', actor, fd: f, iommufd: c, flags: 0, fault: null });
      if (may('VFIO_DEVICE_ATTACH_IOMMUFD_PT'))
        for (const id of ids)
          out.push({ kind: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT', actor, fd: f, pt_id: id, flags: 0, fault: null });
      if (may('VFIO_DEVICE_DETACH_IOMMUFD_PT'))
        out.push({ kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', actor, fd: f, flags: 0 });
    }
  });
  return out;
}

export { FAULT_POINTS };
