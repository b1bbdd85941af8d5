// Named witness goals: states that must be reachable within the bounds. A property that holds while its
// witness is never reached holds vacuously, and explore says so.
import { deviceIoas, liveCtxs } from '../../model/inspect.ts';
import type { World } from '../../model/state.ts';
import type { Topology } from '../../model/topology.ts';

export interface Witness {
  readonly name: string;
  /** The properties that hold only vacuously if this goal is never reached. */
  readonly guards: readonly string[];
  reached(w: World, topo: Topology): boolean;
}

export const WITNESSES: readonly Witness[] = [
  {
    name: 'a device attached to an IOAS',
    guards: ['attachments-live', 'auto-hwpt-lifetime'],
    reached: (w) => w.devices.some((_, d) => deviceIoas(w, d as never) !== null),
  },
  {
    name: 'a device attached to an IOAS that is not the compat IOAS',
    guards: [],
    reached: (w) =>
      w.devices.some((_, d) => {
        const io = deviceIoas(w, d as never);
        return io !== null && w.ctxs[io.ctx]?.vfioIoas !== io.id;
      }),
  },
  {
    name: 'the compat IOAS gone while a group holds the iommufd',
    guards: [],
    reached: (w) => w.groups.some((g) => g.iommufd !== null && w.ctxs[g.iommufd]?.vfioIoas === null),
  },
  {
    name: 'vfio_ioas set',
    guards: ['vfio-ioas-live'],
    reached: (w) => [...liveCtxs(w)].some(([, c]) => c.vfioIoas !== null),
  },
  {
    name: 'an object with users > 1',
    guards: ['refcounts-match-holders'],
    reached: (w) => [...liveCtxs(w)].some(([, c]) => c.objects.some((o) => o !== undefined && o.users > 1)),
  },
  {
    name: 'a device bound while its group holds no iommufd',
    guards: [],
    reached: (w, topo) =>
      w.devices.some((d, i) => {
        const g = topo.devices[i]?.group;
        return d.binding !== null && g !== undefined && w.groups[g]?.iommufd === null;
      }),
  },
];
