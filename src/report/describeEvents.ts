// One short phrase per model event, for the "what changed" column of step tables.
import type { ModelEvent } from '../model/events.ts';
import type { Topology } from '../model/topology.ts';

export function describeEvent(e: ModelEvent, topo: Topology): string {
  const dev = (d: number) => topo.devices[d]?.name ?? `device ${d}`;
  switch (e.kind) {
    case 'ctx_created':
      return `iommufd ctx${e.ctx} created`;
    case 'ctx_released':
      return `ctx${e.ctx} released`;
    case 'object_created':
      return `${e.type} ${e.id} created (object #${e.serial})`;
    case 'object_destroyed':
      return `${e.type} ${e.id} destroyed (${e.by})`;
    case 'compat_ioas_changed':
      return `vfio_ioas := ${e.id === null ? 'NULL' : `${e.id} (object #${e.serial})`} (${e.cause})`;
    case 'group_iommufd_set':
      return `${topo.groups[e.group]?.name}->iommufd = ctx${e.ctx}`;
    case 'group_iommufd_cleared':
      return `${topo.groups[e.group]?.name}->iommufd = NULL`;
    case 'device_bound':
      return `${dev(e.device)} bound${e.id === null ? '' : ` (id ${e.id})`}`;
    case 'device_unbound':
      return `${dev(e.device)} unbound`;
    case 'device_attached':
      return `${dev(e.device)} ${e.replace ? 'replaced onto' : 'attached to'} ${e.pt === e.ioas ? '' : `HWPT ${e.pt} on `}IOAS ${e.ioas} (object #${e.ioasSerial})`;
    case 'device_detached':
      return `${dev(e.device)} detached`;
    case 'device_opened':
      return `${dev(e.device)} open_count ${e.openCount}`;
    case 'device_closed':
      return `${dev(e.device)} open_count ${e.openCount}`;
    case 'dma_mapped':
      return `mapped 0x${e.iova.toString(16)}+0x${e.length.toString(16)} in IOAS ${e.ioas}`;
    case 'dma_unmapped':
      return `unmapped 0x${e.bytes.toString(16)} bytes from IOAS ${e.ioas}`;
    case 'kernel_warn':
      return `**WARN** ${e.where}: ${e.message}`;
    case 'kernel_oops':
      return `**OOPS** ${e.where}: ${e.message}`;
    default: {
      const never: never = e;
      return never;
    }
  }
}
