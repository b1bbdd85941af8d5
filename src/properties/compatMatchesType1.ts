import type { Property } from './Property.ts';
import { divergenceMessage, firstDivergence } from './shared/legacyComparison.ts';

/** The two-run property of issue 6: every result a legacy-only application sees from iommufd's compat mode
 * equals what the legacy container (type1) returns. `skip` leaves out difference classes already reported,
 * so that repeated searches enumerate the classes one by one (ioas-check differences). */
export function compatMatchesType1Skipping(skip: ReadonlySet<string>): Property {
  return {
    code: 'compat-matches-type1',
    title: 'A legacy-only application gets the same results from iommufd compat as from the legacy container',
    claim: {
      quote:
        'A legacy vfio application ... can use iommufd by symlinking /dev/vfio/vfio to /dev/iommu or by doing SET_CONTAINER with an iommufd.',
      source: 'Documentation/userspace-api/iommufd.rst, "VFIO and IOMMUFD"; legacy-vfio.md sections 1-4',
    },
    kind: 'two-run property',
    scope: 'legacy-reference',
    expected: () => ({
      verdict: 'violated',
      reason:
        'compat mode has no container state: documented and undocumented differences exist on every version (legacy-vfio.md section 4; `ioas-check differences` lists them with counterexamples)',
      citation: 'vfio_compat.c; Documentation/driver-api/vfio.rst "IOMMUFD and vfio_iommu_type1"; d624d6652a65',
    }),
    check: {
      kind: 'two-run',
      check(trace, ctx) {
        const d = firstDivergence(trace, ctx, skip);
        return d === null ? null : { step: d.step, message: divergenceMessage(d, trace[d.step]?.kind ?? '?') };
      },
    },
  };
}

export const compatMatchesType1: Property = compatMatchesType1Skipping(new Set());
