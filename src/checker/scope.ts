// The actors a property's search uses.
import { DEFAULT_TOPOLOGY, type Topology, withActors } from '../model/topology.ts';
import type { Scope } from '../properties/Property.ts';

export function topologyFor(scope: Scope, base: Topology = DEFAULT_TOPOLOGY): Topology {
  switch (scope) {
    case 'legacy-only':
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
