import { VFIO_EXT } from '../model/actions.ts';
import { step } from '../model/step.ts';
import { HOLDS, type Property, stepMonitor } from './Property.ts';

const TYPES: readonly number[] = [VFIO_EXT.VFIO_TYPE1_IOMMU, VFIO_EXT.VFIO_TYPE1v2_IOMMU];

/**
 * When VFIO_CHECK_EXTENSION(type) says 1, VFIO_SET_IOMMU(type) on the same fd in the same state must not be
 * refused as an unsupported type (EINVAL). ENODEV (no group yet) is fine: it can succeed later. TYPE1 may
 * still fail with EINVAL once the IOAS has both domains and mappings (iopt_disable_large_pages()): excluded.
 */
export const checkExtensionConsistent: Property = {
  code: 'check-extension-consistent',
  title: 'VFIO_CHECK_EXTENSION says yes => VFIO_SET_IOMMU of that type can succeed',
  claim: {
    quote: 'CHECK_EXTENSION(t) == 1 implies SET_IOMMU(t) can succeed.',
    source: 'vfio uAPI (include/uapi/linux/vfio.h VFIO_CHECK_EXTENSION); kernel-history.md B13',
  },
  kind: 'step property',
  scope: 'mixed',
  expected: (sem) =>
    sem.bugCheckExtensionTypeInNoIommu
      ? {
          verdict: 'violated',
          reason:
            'known kernel bug B13: CHECK_EXTENSION(TYPE1*) returns 1 in no-IOMMU compat mode while SET_IOMMU of that type fails with EINVAL',
          citation:
            'fixed by 7147ec874ea0 "vfio_compat: return !no_iommu_mode" (Feb 2026, stable back to 6.6); present from v6.3 (c9a397cee9f5)',
        }
      : HOLDS,
  check: {
    kind: 'monitor',
    create: (ctx) =>
      stepMonitor((s) => {
        const a = s.action;
        if (a.kind !== 'VFIO_CHECK_EXTENSION' || !TYPES.includes(a.ext) || s.result.kind !== 'ok' || s.result.ret !== 1)
          return null;
        const r = step(s.before, { kind: 'VFIO_SET_IOMMU', actor: a.actor, fd: a.fd, type: a.ext }, ctx.sem, ctx.topo);
        if (r.result.kind !== 'errno' || r.result.errno !== 'EINVAL') return null;
        // TYPE1 alone can also fail once its IOAS has both domains and mappings (iopt_disable_large_pages()):
        // not a refusal of the type, and told apart by TYPE1v2 still being accepted.
        if (a.ext === VFIO_EXT.VFIO_TYPE1_IOMMU) {
          const v2 = step(
            s.before,
            { kind: 'VFIO_SET_IOMMU', actor: a.actor, fd: a.fd, type: VFIO_EXT.VFIO_TYPE1v2_IOMMU },
            ctx.sem,
            ctx.topo,
          );
          if (v2.result.kind === 'ok') return null;
        }
        return `VFIO_CHECK_EXTENSION(${a.ext === VFIO_EXT.VFIO_TYPE1_IOMMU ? 'VFIO_TYPE1_IOMMU' : 'VFIO_TYPE1v2_IOMMU'}) returned 1, but VFIO_SET_IOMMU of that type fails with EINVAL`;
      }),
  },
};
