// Shared by the legacy-stability and uAPI-comment properties: once VFIO_GROUP_SET_CONTAINER has given a group
// its compat IOAS, later first opens through that group and VFIO_IOMMU_MAP_DMA on that iommufd must use it.
import type { CtxId, GroupIdx } from '../../model/ids.ts';
import { ctxOfFd, objectAt } from '../../model/inspect.ts';
import type { Monitor, RunContext, StepInfo } from '../Property.ts';

interface Pin {
  readonly ctx: CtxId;
  readonly id: number;
  readonly serial: number;
}

export function compatPinnedMonitor(ctx: RunContext): Monitor {
  const pins = new Map<GroupIdx, Pin>();
  const groupName = (g: GroupIdx) => ctx.topo.groups[g]?.name ?? `group ${g}`;
  return {
    step(s: StepInfo): string | null {
      for (const e of s.events) {
        if (e.kind === 'group_iommufd_set') {
          const id = s.after.ctxs[e.ctx]?.vfioIoas ?? null;
          const o = id === null ? undefined : objectAt(s.after, e.ctx, id);
          if (id !== null && o !== undefined) pins.set(e.group, { ctx: e.ctx, id, serial: o.serial });
          else if (ctx.topo.groups[e.group]?.kind !== 'noiommu') {
            return `VFIO_GROUP_SET_CONTAINER succeeded for ${groupName(e.group)} but left no compat IOAS (vfio_ioas is NULL)`;
          }
        } else if (e.kind === 'group_iommufd_cleared') {
          pins.delete(e.group);
        } else if (e.kind === 'device_attached' && s.action.kind === 'VFIO_GROUP_GET_DEVICE_FD') {
          const g = ctx.topo.devices[e.device]?.group;
          const pin = g === undefined ? undefined : pins.get(g);
          if (pin !== undefined && pin.ctx === e.ctx && pin.serial !== e.ioasSerial) {
            return `${ctx.topo.devices[e.device]?.name} attached to IOAS ${e.ioas}, but VFIO_GROUP_SET_CONTAINER gave ${groupName(g as GroupIdx)} IOAS ${pin.id}`;
          }
        }
      }
      const a = s.action;
      if (a.kind === 'VFIO_GROUP_GET_DEVICE_FD' && s.result.kind === 'errno' && s.result.errno === 'ENODEV') {
        const f = s.before.files[s.before.fdTables[a.actor]?.[a.fd] ?? -1];
        const pin = f?.kind === 'group' ? pins.get(f.group) : undefined;
        const member = f?.kind === 'group' && (ctx.topo.groups[f.group]?.devices.includes(a.device) ?? false);
        if (pin !== undefined && member && objectAt(s.before, pin.ctx, pin.id)?.serial === pin.serial) {
          return `VFIO_GROUP_GET_DEVICE_FD failed ENODEV although ${groupName(f?.kind === 'group' ? f.group : (0 as GroupIdx))} was given IOAS ${pin.id}, which still exists`;
        }
      }
      if (a.kind === 'VFIO_IOMMU_MAP_DMA') {
        const c = ctxOfFd(s.before, a.actor, a.fd);
        const pinned = [...pins.values()].filter((p) => p.ctx === c);
        if (pinned.length === 0) return null;
        const landed = s.events.find((e) => e.kind === 'dma_mapped');
        for (const pin of pinned) {
          if (landed?.kind === 'dma_mapped' && landed.ioasSerial !== pin.serial) {
            return `VFIO_IOMMU_MAP_DMA landed in IOAS ${landed.ioas}, not in IOAS ${pin.id} that VFIO_GROUP_SET_CONTAINER gave the group`;
          }
          if (s.result.kind === 'errno' && s.result.errno === 'ENODEV') {
            return `VFIO_IOMMU_MAP_DMA failed ENODEV although VFIO_GROUP_SET_CONTAINER gave the group IOAS ${pin.id}`;
          }
        }
      }
      return null;
    },
    end: () => null,
  };
}
