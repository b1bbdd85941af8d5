import type { CtxId } from '../model/ids.ts';
import { objectAt } from '../model/inspect.ts';
import { expecting } from './expecting.ts';
import type { Property, RunContext, StepInfo } from './Property.ts';

/**
 * IOMMU_VFIO_IOAS never moves an attached device, and after a successful SET the next first open through a
 * group on that iommufd attaches to the IOAS that SET installed (while it is still vfio_ioas).
 */
export const setAffectsNextOpen: Property = {
  code: 'set-affects-next-open',
  title: 'IOMMU_VFIO_IOAS SET affects the next opened device and moves no open device',
  claim: {
    quote: 'IOAS_SET is a new ioctl with new semantics: it has an impact on the next vfio_device that is opened.',
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
              'by design of the variant: once a group has attached a device, later opens reuse the cached id and ignore SET',
            citation: "Kevin Tian's proposal, v2 07/11 review (BN9PR11MB52766AA1ABD4EEDA30B696C98C019)",
          }
        : { verdict: 'holds' },
    {
      'uapi-comment': {
        verdict: 'violated',
        reason:
          'by design of the variant: a group keeps the IOAS it got at SET_CONTAINER, so SET only affects groups set up after it',
        citation: 'include/uapi/linux/iommufd.h struct iommu_vfio_ioas comment',
      },
    },
  ),
  check: {
    kind: 'monitor',
    create(ctx: RunContext) {
      const pendingSet = new Map<CtxId, { id: number; serial: number }>();
      return {
        step(s: StepInfo) {
          const a = s.action;
          if (a.kind === 'IOMMU_VFIO_IOAS') {
            const moved = s.events.find((e) => e.kind === 'device_attached' || e.kind === 'device_detached');
            if (moved !== undefined) return `IOMMU_VFIO_IOAS moved ${ctx.topo.devices[moved.device]?.name}`;
          }
          for (const e of s.events) {
            if (e.kind === 'compat_ioas_changed') {
              if (e.cause === 'SET' && e.id !== null && e.serial !== null)
                pendingSet.set(e.ctx, { id: e.id, serial: e.serial });
              else pendingSet.delete(e.ctx);
            }
          }
          if (a.kind !== 'VFIO_GROUP_GET_DEVICE_FD' || s.result.kind !== 'ok') return null;
          const attached = s.events.find((e) => e.kind === 'device_attached');
          if (attached?.kind !== 'device_attached') return null;
          const set = pendingSet.get(attached.ctx);
          if (set === undefined) return null;
          pendingSet.delete(attached.ctx);
          const stillCompat =
            s.before.ctxs[attached.ctx]?.vfioIoas === set.id &&
            objectAt(s.before, attached.ctx, set.id)?.serial === set.serial;
          if (stillCompat && attached.ioasSerial !== set.serial) {
            return `after IOMMU_VFIO_IOAS SET ${set.id}, the next open attached ${ctx.topo.devices[attached.device]?.name} to IOAS ${attached.ioas}`;
          }
          return null;
        },
        end: () => null,
      };
    },
  },
};
