import type { CtxId } from '../model/ids.ts';
import type { Property } from './Property.ts';
import { laneOf } from './threadLane.ts';

/**
 * The review's window, inside one ioctl: a group-path open attaches to an IOAS object that was the compat IOAS
 * (ictx->vfio_ioas) at some instant while that open was in flight. The compat attach looks the id up, drops
 * its reference and attaches by id later; another thread can destroy the compat IOAS and allocate an object
 * that reuses the id in between.
 */
export const openAtomicity: Property = {
  code: 'open-atomicity',
  title: 'A device open attaches to an IOAS that was the compat IOAS at some instant during that open',
  claim: {
    quote: 'The vfio layer is working on IDs and the IDs can be destroyed/recreated from under it.',
    source: 'Jason Gunthorpe, https://lore.kernel.org/r/Y20y6MnCn+pqXcnI@nvidia.com (Nov 2022)',
  },
  kind: 'trace property',
  scope: 'threaded',
  expected: () => ({
    verdict: 'violated',
    reason:
      'the compat attach takes the compat IOAS id, drops its reference, and attaches by id later; a concurrent IOMMU_DESTROY frees the id and IOMMU_IOAS_ALLOC reuses it (lowest free id), so the open attaches to an object that was never the compat IOAS',
    citation:
      'drivers/vfio/iommufd.c vfio_iommufd_compat_attach_ioas() (v6.6+) / vfio_iommufd_bind() (v6.2-v6.5): iommufd_vfio_compat_ioas_get_id() then ops->attach_ioas(&ioas_id); kernel-semantics.md C3',
  }),
  check: {
    kind: 'monitor',
    create(ctx) {
      /** ictx->vfio_ioas per ctx, as an object serial. */
      const compat = new Map<CtxId, number>();
      /** Per lane with an open in flight: every serial that was the compat IOAS of each ctx since it started. */
      const during = new Map<number, Map<CtxId, Set<number>>>();
      return {
        step(s) {
          const lane = laneOf(s);
          if (lane.started && s.action.kind === 'VFIO_GROUP_GET_DEVICE_FD') {
            const seen = new Map<CtxId, Set<number>>();
            for (const [c, serial] of compat) seen.set(c, new Set([serial]));
            during.set(lane.lane, seen);
          }
          let message: string | null = null;
          for (const e of s.events) {
            if (e.kind === 'ctx_released') compat.delete(e.ctx);
            if (e.kind === 'compat_ioas_changed') {
              if (e.serial === null) compat.delete(e.ctx);
              else {
                compat.set(e.ctx, e.serial);
                for (const seen of during.values()) {
                  const set = seen.get(e.ctx) ?? new Set<number>();
                  set.add(e.serial);
                  seen.set(e.ctx, set);
                }
              }
            }
            if (e.kind === 'device_attached' && message === null && s.action.kind === 'VFIO_GROUP_GET_DEVICE_FD') {
              const seen = during.get(lane.lane)?.get(e.ctx);
              if (seen?.has(e.ioasSerial) !== true) {
                const was = seen === undefined || seen.size === 0 ? 'none' : [...seen].map((n) => `#${n}`).join(', ');
                const where = lane.lane < 0 ? '' : ` (thread ${lane.lane})`;
                message = `${ctx.topo.devices[e.device]?.name} attached to IOAS ${e.ioas} (object #${e.ioasSerial})${where}, which was not the compat IOAS at any instant of its open (compat IOAS objects during the open: ${was})`;
              }
            }
          }
          if (lane.finished) during.delete(lane.lane);
          return message;
        },
        end: () => null,
      };
    },
  },
};
