// The bounds a user states for exhaustive exploration of the iommufd model.
import type { ActionKind } from '../../model/actions.ts';
import { makeTopology, type Topology } from '../../model/topology.ts';

export interface ExploreBounds {
  readonly topology: Topology;
  /** At most this many live iommufd contexts. */
  readonly maxIommufds: number;
  /** At most this many live objects in one context. */
  readonly maxObjects: number;
  /** Object ids offered as ioctl arguments: 1..idRange (0 and idRange+1 are not offered). */
  readonly idRange: number;
  /** fd numbers offered as arguments per actor: 3..3+maxFds-1; an actor never holds more. */
  readonly maxFds: number;
  readonly ops: ReadonlySet<ActionKind>;
  readonly faults: boolean;
  readonly maxDepth: number;
}

/** The default scope: small, exhausted in seconds, and deep enough to reach every witness. */
export const DEFAULT_EXPLORE_OPS: readonly ActionKind[] = [
  'open',
  'open_group',
  'close',
  'pass_fd',
  'IOMMU_IOAS_ALLOC',
  'IOMMU_DESTROY',
  'IOMMU_VFIO_IOAS',
  'VFIO_GROUP_SET_CONTAINER',
  'VFIO_GROUP_UNSET_CONTAINER',
  'VFIO_GROUP_GET_DEVICE_FD',
];

/** One native process (it can issue every call, so it plays both the legacy and the native side of a shared
 * iommufd) and two groups of one device each. */
export const SMALL_TOPOLOGY: Topology = makeTopology({
  groups: [
    { name: 'g0', devices: [{ name: 'dev0', kind: 'physical' }] },
    { name: 'g1', devices: [{ name: 'dev1', kind: 'physical' }] },
  ],
  actors: [{ name: 'app', kind: 'native' }],
});

/** Exhausted in about 15 s per profile on this machine (about 0.4-0.5 M states). */
export const DEFAULT_BOUNDS: ExploreBounds = {
  topology: SMALL_TOPOLOGY,
  maxIommufds: 1,
  maxObjects: 3,
  idRange: 3,
  maxFds: 4,
  ops: new Set(DEFAULT_EXPLORE_OPS.filter((k) => k !== 'pass_fd')),
  faults: false,
  maxDepth: 64,
};
