// The machine and actors a property's search uses: the default groups plus a no-IOMMU group, so that the
// noiommu paths (B11, B13) are part of every search.
import { NOIOMMU_TOPOLOGY, type Topology, withActors } from '../model/topology.ts';
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
    default: {
      const never: never = scope;
      return never;
    }
  }
}
