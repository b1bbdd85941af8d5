// The machine and actors a property's search uses: the default groups plus a no-IOMMU group, so that the
// noiommu paths (B11, B13) are part of every search.
import { DEFAULT_TOPOLOGY, NOIOMMU_TOPOLOGY, type Topology, withActors } from '../model/topology.ts';
import type { Scope } from '../properties/Property.ts';

export function topologyFor(scope: Scope, base: Topology = NOIOMMU_TOPOLOGY): Topology {
  switch (scope) {
    case 'legacy-only':
    case 'legacy-reference':
    case 'qemu-shaped':
      return withActors(base, [{ name: 'qemu', kind: 'legacy' }]);
    case 'mixed':
      return withActors(base, [
        { name: 'qemu', kind: 'legacy' },
        { name: 'tool', kind: 'native' },
      ]);
    case 'threaded':
      // No no-IOMMU group: its paths have no windows (they run atomically, and the mixed search covers them);
      // without it the search's group picks land on the groups whose opens race.
      return withActors(DEFAULT_TOPOLOGY, [
        { name: 'qemu', kind: 'legacy' },
        { name: 'tool', kind: 'native' },
      ]);
    default: {
      const never: never = scope;
      return never;
    }
  }
}
