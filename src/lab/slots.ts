// Maps a file's topology onto the lab's devices by role, and picks the boot: the lab has one single-device
// IOMMU group (g0/dev0), one two-device group (g1/dev1, dev2), one emulated group (g2/mdev0) and, in a boot
// of its own, one no-IOMMU group (g3/nidev0). The guest's init writes which /dev/vfio paths they are.
import type { DeviceIdx, GroupIdx } from '../model/ids.ts';
import type { Topology } from '../model/topology.ts';
import type { LabBoot } from './labTypes.ts';

export interface Slots {
  readonly group: (g: GroupIdx) => string;
  readonly device: (d: DeviceIdx) => string;
}

export type SlotPlan = { readonly ok: true; readonly slots: Slots } | { readonly ok: false; readonly reason: string };

/** The lab name of each group and device of `topo`; a shape the lab lacks is named in the reason. */
export function labSlots(topo: Topology, used: ReadonlySet<GroupIdx>): SlotPlan {
  const groups = new Map<number, string>();
  const devices = new Map<number, string>();
  const taken = new Set<string>();
  for (const [gi, g] of topo.groups.entries()) {
    const n = g.devices.length;
    const slot =
      g.kind === 'noiommu' && n === 1
        ? { g: 'g3', d: ['nidev0'] }
        : g.kind === 'emulated' && n === 1
          ? { g: 'g2', d: ['mdev0'] }
          : g.kind === 'iommu' && n === 1
            ? { g: 'g0', d: ['dev0'] }
            : g.kind === 'iommu' && n === 2
              ? { g: 'g1', d: ['dev1', 'dev2'] }
              : null;
    if (slot === null || taken.has(slot.g)) {
      if (!used.has(gi as GroupIdx)) continue;
      return { ok: false, reason: `the lab has no device for group ${g.name} (${g.kind}, ${n} device(s))` };
    }
    taken.add(slot.g);
    groups.set(gi, slot.g);
    for (const [i, d] of g.devices.entries()) devices.set(d, slot.d[i] as string);
  }
  return {
    ok: true,
    slots: {
      group: (g) => groups.get(g) ?? `unmapped-group-${g}`,
      device: (d) => devices.get(d) ?? `unmapped-device-${d}`,
    },
  };
}

/** The boot a sequence needs from the groups it touches; null (with why) when no single boot has them all. */
export function bootFor(
  topo: Topology,
  used: ReadonlySet<GroupIdx>,
  mock: boolean,
): { readonly boot: LabBoot } | { readonly reason: string } {
  const kinds = new Set([...used].map((g) => topo.groups[g]?.kind));
  const noiommu = kinds.has('noiommu');
  const iommu = kinds.has('iommu') || kinds.has('emulated');
  if (mock && (noiommu || iommu))
    return { reason: 'selftest mock devices and vfio groups in one sequence (they need different boots)' };
  if (mock) return { boot: 'mock' };
  return { boot: noiommu && iommu ? 'mixed' : noiommu ? 'noiommu' : 'iommu' };
}
