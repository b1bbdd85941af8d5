// The fixed machine a run happens on: iommu groups and their vfio devices, and the actors (processes).
import { type ActorId, actorId, type DeviceIdx, deviceIdx, type GroupIdx, groupIdx } from './ids.ts';

/** `physical`: a PCI-like device behind an IOMMU; `emulated`: an mdev that uses an iommufd access. */
export type DeviceKind = 'physical' | 'emulated';
/** `iommu`: VFIO_IOMMU; `noiommu`: VFIO_NO_IOMMU (enable_unsafe_noiommu_mode); `emulated`: VFIO_EMULATED_IOMMU. */
export type GroupKind = 'iommu' | 'noiommu' | 'emulated';

export interface DeviceSpec {
  readonly name: string;
  readonly kind: DeviceKind;
  readonly group: GroupIdx;
}

export interface GroupSpec {
  readonly name: string;
  readonly kind: GroupKind;
  readonly devices: readonly DeviceIdx[];
}

/** `legacy`: /dev/vfio/vfio, group and container ioctls only. `native`: also /dev/iommu, IOMMU_* and cdevs. */
export type ActorKind = 'legacy' | 'native';

export interface ActorSpec {
  readonly name: string;
  readonly kind: ActorKind;
}

export interface Topology {
  readonly groups: readonly GroupSpec[];
  readonly devices: readonly DeviceSpec[];
  readonly actors: readonly ActorSpec[];
  /** The IOMMU behind the physical devices reports IOMMU_CAP_ENFORCE_CACHE_COHERENCY (Intel: snoop control,
   * ecap_sc_support()), so their HWPTs enforce cache coherency (hw_pagetable.c iommufd_hwpt_paging_alloc()).
   * Default false: QEMU's emulated VT-d, the lab's IOMMU, has no snoop control. */
  readonly iommuEnforcesCoherency: boolean;
  /** The IOMMU can nest (Intel: nested_supported(), scalable mode with nesting) and track dirty pages (Intel:
   * ssads_supported()): an IOMMU_HWPT_ALLOC with NEST_PARENT or DIRTY_TRACKING for a physical device is refused
   * with EOPNOTSUPP without them (intel/iommu.c intel_iommu_domain_alloc_user(), hw_pagetable.c
   * iommufd_hwpt_paging_alloc()). Default false: QEMU's emulated VT-d without x-scalable-mode, the lab's. */
  readonly iommuNesting: boolean;
  readonly iommuDirtyTracking: boolean;
  /** The geometry a physical device's domain brings to its IOAS: the IOMMU's smallest page (the IOAS's
   * iova_alignment once the domain is added, io_pagetable.c iopt_table_add_domain()), the aperture's last IOVA
   * (everything above is reserved for as long as the domain is on the IOAS) and the device's MSI window (an
   * IOMMU_RESV_MSI region, reserved while the device is attached: iopt_table_enforce_dev_resv_regions()).
   * Default: the lab's, QEMU 7.2's emulated VT-d (aw-bits 39: aperture [0, 2^39 - 1]; MSI 0xfee00000-0xfeefffff,
   * intel_iommu_get_resv_regions()), 4 KiB pages; seen with IOMMU_IOAS_IOVA_RANGES on the lab. */
  readonly iommuGeometry: IommuGeometry;
}

export interface IommuGeometry {
  readonly pageSize: number;
  readonly apertureLast: number;
  readonly msiWindow: { readonly start: number; readonly last: number };
}

export const LAB_IOMMU_GEOMETRY: IommuGeometry = {
  pageSize: 4096,
  apertureLast: 2 ** 39 - 1,
  msiWindow: { start: 0xfee00000, last: 0xfeefffff },
};

export interface TopologyInput {
  readonly groups: readonly {
    readonly name: string;
    readonly noiommu?: boolean;
    readonly devices: readonly { readonly name: string; readonly kind: DeviceKind }[];
  }[];
  readonly actors?: readonly ActorSpec[];
  readonly iommuEnforcesCoherency?: boolean;
  readonly iommuNesting?: boolean;
  readonly iommuDirtyTracking?: boolean;
  readonly iommuGeometry?: IommuGeometry;
}

export const DEFAULT_ACTORS: readonly ActorSpec[] = [
  { name: 'qemu', kind: 'legacy' },
  { name: 'tool', kind: 'native' },
];

/** Builds a topology; a group whose devices are all emulated is an emulated (mdev) group. */
export function makeTopology(input: TopologyInput): Topology {
  const groups: GroupSpec[] = [];
  const devices: DeviceSpec[] = [];
  input.groups.forEach((g, gi) => {
    const members: DeviceIdx[] = [];
    for (const d of g.devices) {
      members.push(deviceIdx(devices.length));
      devices.push({ name: d.name, kind: d.kind, group: groupIdx(gi) });
    }
    const allEmulated = g.devices.length > 0 && g.devices.every((d) => d.kind === 'emulated');
    const kind: GroupKind = g.noiommu === true ? 'noiommu' : allEmulated ? 'emulated' : 'iommu';
    groups.push({ name: g.name, kind, devices: members });
  });
  return {
    groups,
    devices,
    actors: input.actors ?? DEFAULT_ACTORS,
    iommuEnforcesCoherency: input.iommuEnforcesCoherency ?? false,
    iommuNesting: input.iommuNesting ?? false,
    iommuDirtyTracking: input.iommuDirtyTracking ?? false,
    iommuGeometry: input.iommuGeometry ?? LAB_IOMMU_GEOMETRY,
  };
}

const DEFAULT_GROUPS: TopologyInput['groups'] = [
  { name: 'g0', devices: [{ name: 'dev0', kind: 'physical' }] },
  {
    name: 'g1',
    devices: [
      { name: 'dev1', kind: 'physical' },
      { name: 'dev2', kind: 'physical' },
    ],
  },
  { name: 'g2', devices: [{ name: 'mdev0', kind: 'emulated' }] },
];

/** The default: a group with one device, a group with two devices, an mdev. */
export const DEFAULT_TOPOLOGY: Topology = makeTopology({ groups: DEFAULT_GROUPS });

/** The default topology plus a no-IOMMU group (enable_unsafe_noiommu_mode=1). */
export const NOIOMMU_TOPOLOGY: Topology = makeTopology({
  groups: [...DEFAULT_GROUPS, { name: 'g3', noiommu: true, devices: [{ name: 'nidev0', kind: 'physical' }] }],
});

export const withActors = (t: Topology, actors: readonly ActorSpec[]): Topology => ({ ...t, actors });

export const actorIds = (t: Topology): readonly ActorId[] => t.actors.map((_, i) => actorId(i));
