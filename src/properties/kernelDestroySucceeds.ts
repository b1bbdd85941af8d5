import type { ModelEvent } from '../model/events.ts';
import { threadSemantics } from '../model/threads/threadSemantics.ts';
import { HOLDS, type Property } from './Property.ts';
import { laneOf } from './threadLane.ts';

// The kernel-side destroys that vfio and the selftest run and treat a failure of as a bug (WARN_ON).
const KERNEL_DESTROYS: ReadonlySet<string> = new Set(['iommufd_device_unbind', 'iommufd_access_destroy']);

const failedKernelDestroy = (events: readonly ModelEvent[]): string | null => {
  for (const e of events)
    if (e.kind === 'kernel_warn' && KERNEL_DESTROYS.has(e.where)) return `${e.where}: ${e.message}`;
  return null;
};

/**
 * A kernel-initiated destroy (vfio unbind on device close) always succeeds; a user IOMMU_DESTROY racing with it
 * may fail with EBUSY but must not make it fail. v6.2-v6.4.7 iommufd_destroy() kept a users count across
 * down_write(destroy_rwsem), so the unbind's iommufd_object_destroy_user() saw users != 1, WARNed and leaked
 * the object (B5, CVE-2023-53795).
 */
export const kernelDestroySucceeds: Property = {
  code: 'kernel-destroy-succeeds',
  title: 'A kernel-initiated destroy (device unbind) always succeeds, whatever IOMMU_DESTROY races with it',
  claim: {
    quote: 'iommufd: IOMMUFD_DESTROY should not increase the refcount',
    source:
      'Jason Gunthorpe, commit 99f98a7c0d69 (v6.5-rc, stable 6.4.8), CVE-2023-53795; syzbot "WARNING in iommufd_access_destroy"',
  },
  kind: 'step property',
  scope: 'threaded',
  // Default seed 42 finds B5 on v6.2 at run 2171 of 2500: doubled so that the default search keeps a margin.
  runsScale: 2,
  expected: (sem) =>
    threadSemantics(sem).destroyWaits
      ? {
          verdict: 'violated',
          reason:
            'v6.2-v6.4.7 iommufd_destroy(): iommufd_ref_to_users() keeps a users count until the check after down_write(destroy_rwsem); a device close in that window runs iommufd_object_destroy_user(), sees users != 1, WARNs and leaks the object (known kernel bug, fixed in v6.4.8/v6.5)',
          citation: 'main.c iommufd_destroy() v6.2; fix 99f98a7c0d69; kernel-history.md B5',
        }
      : HOLDS,
  check: {
    kind: 'monitor',
    create() {
      return {
        step(s) {
          const failed = failedKernelDestroy(s.events);
          if (failed === null) return null;
          return `thread ${laneOf(s).lane}: the kernel destroy failed (${failed}); the object leaks while a user IOMMU_DESTROY holds a users count`;
        },
        end: () => null,
      };
    },
  },
};
