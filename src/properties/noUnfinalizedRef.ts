import { threadSemantics } from '../model/threads/threadSemantics.ts';
import { HOLDS, type Property } from './Property.ts';
import { laneOf } from './threadLane.ts';

/**
 * No thread takes a reference to (attaches a device to) an object another thread has not finalized.
 * It needs two groups on one iommufd with their first opens overlapping at the finalize, which the random
 * threaded search reaches in about 1 of 2000 schedules: its budget is tripled (runsScale) so that the default
 * search finds it (run 4261 on v6.2 and 1067 on v6.3 at seed 42).
 */
export const noUnfinalizedRef: Property = {
  code: 'no-unfinalized-ref',
  title: 'No thread uses an iommufd object before the thread that allocated it has finalized it',
  claim: {
    quote: 'iommufd: Fix locking around hwpt allocation',
    source:
      'Jason Gunthorpe, commit 31422dff187b (v6.6-rc1), https://lore.kernel.org/r/11-v6-fdb604df649a+369-iommufd_alloc_jgg@nvidia.com',
  },
  kind: 'step property',
  scope: 'threaded',
  runsScale: 3,
  expected: (sem) =>
    threadSemantics(sem).autoDomainEarlyUnlock
      ? {
          verdict: 'violated',
          reason:
            'v6.2-v6.5 iommufd_device_auto_get_domain() adds the new auto HWPT to ioas->hwpt_list and drops ioas->mutex before iommufd_object_finalize(); a concurrent open auto-attaching to the same IOAS finds it and attaches (known kernel bug, fixed in v6.6-rc1)',
          citation: 'device.c iommufd_device_auto_get_domain() v6.2; fix 31422dff187b; kernel-history.md B4',
        }
      : HOLDS,
  check: {
    kind: 'monitor',
    create() {
      return {
        step(s) {
          for (const e of laneOf(s).threadEvents) {
            if (e.kind === 'unfinalized_ref') {
              const type = s.after.ctxs[e.ctx]?.objects[e.id]?.type ?? 'object';
              return `thread ${e.lane} attached a device to ${type} ${e.id}, which thread ${e.owner} has not finalized (ioas->mutex dropped before iommufd_object_finalize())`;
            }
          }
          return null;
        },
        end: () => null,
      };
    },
  },
};
