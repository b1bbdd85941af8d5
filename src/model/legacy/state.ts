// The legacy VFIO container (drivers/vfio/container.c + vfio_iommu_type1.c) as a second, small model: the
// reference side of "a legacy application cannot tell iommufd's compat mode from the legacy container".
// Source: ../shared/reference/legacy-vfio.md sections 1-2 (container.c @04f930c3e44b, type1 v6.3-v6.12).
import type { FileId, GroupIdx } from '../ids.ts';
import type { Topology } from '../topology.ts';

/** One type1 mapping: one MAP call, never merged with its neighbours (struct vfio_dma). */
export interface Dma {
  readonly iova: number;
  readonly last: number;
}

/** container->iommu_driver: none (EMPTY or GROUPED phase), type1 (v1 or v2), or the noiommu driver. */
export type Driver = 'none' | 'type1' | 'type1v2' | 'noiommu';

/** A container lives while its file is open or groups hold it (container->kref). */
export interface LegacyContainer {
  readonly groups: readonly GroupIdx[];
  readonly driver: Driver;
  /** container->noiommu, taken from the first group. */
  readonly noiommu: boolean;
  readonly dma: readonly Dma[];
}

export type LegacyFile =
  | { readonly kind: 'container'; readonly fds: number; readonly container: number }
  | { readonly kind: 'group'; readonly fds: number; readonly group: GroupIdx }
  | { readonly kind: 'device'; readonly fds: number; readonly device: number };

export interface LegacyGroup {
  readonly file: FileId | null;
  readonly container: number | null;
  /** group->container_users: 1 when attached, +1 per first-opened device (v6.6+) or per device fd (v6.2). */
  readonly containerUsers: number;
}

export interface LegacyWorld {
  readonly containers: readonly (LegacyContainer | undefined)[];
  readonly files: readonly (LegacyFile | undefined)[];
  readonly fdTables: readonly (readonly (FileId | undefined)[])[];
  readonly groups: readonly LegacyGroup[];
  readonly openCounts: readonly number[];
}

export function initialLegacyWorld(topo: Topology): LegacyWorld {
  return {
    containers: [],
    files: [],
    fdTables: topo.actors.map(() => []),
    groups: topo.groups.map(() => ({ file: null, container: null, containerUsers: 0 })),
    openCounts: topo.devices.map(() => 0),
  };
}
