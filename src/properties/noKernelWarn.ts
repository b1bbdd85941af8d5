import { closeAll } from '../model/closeAll.ts';
import type { ModelEvent } from '../model/events.ts';
import { expecting, injected } from './expecting.ts';
import type { Property } from './Property.ts';

const firstWarn = (events: readonly ModelEvent[]): string | null => {
  for (const e of events) {
    if (e.kind === 'kernel_warn') return `WARN in ${e.where}: ${e.message}`;
    if (e.kind === 'kernel_oops') return `oops in ${e.where}: ${e.message}`;
  }
  return null;
};

export const noKernelWarn: Property = {
  code: 'no-kernel-warn',
  title: 'No sequence of ioctls and closes makes the kernel WARN or oops',
  claim: {
    quote:
      'Kernel callers treat a failed internal destroy or an unbalanced close as a bug (WARN); userspace must not be able to trigger one.',
    source: 'vfio_main.c vfio_assert_device_open(); main.c iommufd_fops_release(); kernel-history.md section 6',
  },
  kind: 'trace property',
  scope: 'mixed',
  expected: expecting(
    (sem) =>
      sem.closeUsesDfIommufd
        ? sem.bugNoiommuOpenSkipsDfOpen
          ? {
              verdict: 'violated',
              reason:
                'known kernel bug B11: closing the fd of a no-IOMMU device that was never opened WARNs in vfio_assert_device_open()',
              citation: 'introduced by 6086efe73498 (v6.6); fixed by b25e271b3779 + 982ddd59ed97 (v6.17)',
            }
          : { verdict: 'holds' }
        : {
            verdict: 'violated',
            reason:
              sem.version === 'v6.2'
                ? 'known kernel bug B1 (NULL iommufd_ctx_put() in the SET_CONTAINER error path, d649c34cb916) and the L1 finding (WARN_ON(!group->container) when a device closes after UNSET_CONTAINER)'
                : 'L1 finding: closing a device after UNSET_CONTAINER hits WARN_ON(!group->container) in vfio_device_group_unuse_iommu()',
            citation: 'v6.2/v6.3 drivers/vfio/group.c vfio_group_ioctl_set_container(), vfio_device_group_close()',
          },
    {
      'bug-attached-at-bind': injected(
        'iommufd_attached is set at bind, so a device whose attach failed is torn down as if attached',
        'Yi Liu, https://lore.kernel.org/r/Y3JVHh8RY4XGb+Ss@nvidia.com',
      ),
    },
  ),
  check: {
    kind: 'monitor',
    create: (ctx) => ({
      step: (s) => firstWarn(s.events),
      end: (world) => {
        const w = firstWarn(closeAll(world, ctx.sem, ctx.topo).events);
        return w === null ? null : `while closing every fd at the end: ${w}`;
      },
    }),
  },
};
