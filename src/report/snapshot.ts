// A readable JSON picture of a world, with names from the topology: what a counterexample shows after each step.
import type { JsonValue } from '../checker/actionCodec.ts';
import { liveCtxs, objectsOf } from '../model/inspect.ts';
import type { IommufdObject, OpenFile, World } from '../model/state.ts';
import type { Topology } from '../model/topology.ts';

const hex = (n: number) => `0x${n.toString(16)}`;

/** A topology device's name; selftest mock devices (index < 0, kernel/mock.ts) show as `mock`. */
const deviceName = (d: number, topo: Topology): string | number => (d < 0 ? 'mock' : (topo.devices[d]?.name ?? d));

function objectJson(id: number, o: IommufdObject, topo: Topology): JsonValue {
  const base = { id, type: o.type, users: o.users, object: o.serial };
  switch (o.type) {
    case 'IOAS':
      return {
        ...base,
        hwpt_list: [...o.hwptList],
        areas: o.areas.map((a) => `${hex(a.iova)}-${hex(a.last)}`),
        large_pages_disabled: o.largePagesDisabled,
      };
    case 'HWPT_PAGING':
      return { ...base, ioas: o.ioas, auto: o.auto };
    case 'DEVICE':
      return { ...base, device: deviceName(o.device, topo), hwpt: o.hwpt };
    case 'ACCESS':
      return { ...base, device: deviceName(o.device, topo), ioas: o.ioas };
    case 'SELFTEST':
      return { ...base, [o.mock.kind]: o.mock.id };
    default: {
      const never: never = o;
      return never;
    }
  }
}

export function describeFile(f: OpenFile, topo: Topology): string {
  switch (f.kind) {
    case 'iommufd':
      return `iommufd ctx${f.ctx}`;
    case 'group':
      return `group ${topo.groups[f.group]?.name}`;
    case 'device':
      return `device ${topo.devices[f.device]?.name}${f.accessGranted ? '' : ' (no access)'}`;
    case 'cdev':
      return `cdev ${topo.devices[f.device]?.name}${f.bound === null ? '' : ` bound to ctx${f.bound}`}`;
    case 'access':
      return `selftest access ${f.access} on ctx${f.ctx}${f.items.length === 0 ? '' : ` (${f.items.length} pinned)`}`;
    default: {
      const never: never = f;
      return never;
    }
  }
}

export function snapshot(w: World, topo: Topology): JsonValue {
  const iommufds: JsonValue[] = [];
  for (const [c, ictx] of liveCtxs(w)) {
    iommufds.push({
      ctx: c,
      path: ictx.path,
      vfio_ioas: ictx.vfioIoas,
      no_iommu_mode: ictx.noIommuMode,
      kernel_refs: ictx.kernelRefs,
      objects: [...objectsOf(ictx)].map(([id, o]) => objectJson(id, o, topo)),
    });
  }
  const fds: Record<string, JsonValue> = {};
  topo.actors.forEach((a, i) => {
    const table: Record<string, JsonValue> = {};
    (w.fdTables[i] ?? []).forEach((id, n) => {
      const f = id === undefined ? undefined : w.files[id];
      if (f !== undefined) table[String(n)] = describeFile(f, topo);
    });
    fds[a.name] = table;
  });
  return {
    iommufds,
    groups: w.groups.map((g, i) => ({ name: topo.groups[i]?.name ?? i, fd_open: g.file !== null, iommufd: g.iommufd })),
    devices: w.devices.map((d, i) => ({
      name: topo.devices[i]?.name ?? i,
      open_count: d.openCount,
      bound: d.binding === null ? null : { ctx: d.binding.ctx, id: d.binding.id },
      attached: d.attached,
    })),
    fds,
  };
}
