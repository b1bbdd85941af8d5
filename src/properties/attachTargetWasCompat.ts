import type { CtxId } from '../model/ids.ts';
import { expecting } from './expecting.ts';
import { HOLDS, type Property } from './Property.ts';

/**
 * The thread's ABA argument: a group-path open may attach only to an IOAS object that userspace made (or the
 * kernel auto-created as) the compat IOAS of that iommufd, at its open or before. An id cached by VFIO can
 * name a different object after IOMMU_DESTROY frees the id and an allocation reuses it.
 */
export const attachTargetWasCompat: Property = {
  code: 'attach-target-was-compat',
  title: 'A group-path open attaches only to an IOAS that was the compat IOAS (no ABA through reused ids)',
  claim: {
    quote: 'The vfio layer is working on IDs and the IDs can be destroyed/recreated from under it.',
    source: 'Jason Gunthorpe, https://lore.kernel.org/r/Y20y6MnCn+pqXcnI@nvidia.com (Nov 2022)',
  },
  kind: 'trace property',
  scope: 'mixed',
  expected: expecting(
    (sem) =>
      sem.cachedCompatId
        ? {
            verdict: 'violated',
            reason:
              'the variant caches an id; IOMMU_DESTROY frees it and the lowest-free allocator hands it to an unrelated object',
            citation: 'main.c _iommufd_object_alloc() xa_alloc lowest free id; kernel-history.md section 3 item 5',
          }
        : HOLDS,
    {
      'uapi-comment': {
        verdict: 'violated',
        reason:
          'the variant keeps an id, like the cached-id design: IOMMU_DESTROY frees it and the lowest-free allocator hands it to an unrelated IOAS',
        citation: 'main.c _iommufd_object_alloc() lowest free id',
      },
    },
  ),
  check: {
    kind: 'monitor',
    create(ctx) {
      const everCompat = new Map<CtxId, Set<number>>();
      return {
        step(s) {
          for (const e of s.events) {
            if (e.kind === 'compat_ioas_changed' && e.serial !== null) {
              const set = everCompat.get(e.ctx) ?? new Set<number>();
              set.add(e.serial);
              everCompat.set(e.ctx, set);
            }
          }
          if (s.action.kind !== 'VFIO_GROUP_GET_DEVICE_FD') return null;
          for (const e of s.events) {
            if (e.kind === 'device_attached' && !(everCompat.get(e.ctx)?.has(e.ioasSerial) ?? false)) {
              return `${ctx.topo.devices[e.device]?.name} attached to IOAS ${e.ioas}, an object that was never the compat IOAS`;
            }
          }
          return null;
        },
        end: () => null,
      };
    },
  },
};
