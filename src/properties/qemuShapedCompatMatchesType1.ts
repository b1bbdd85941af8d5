import { HOLDS, type Property } from './Property.ts';
import { divergenceMessage, firstDivergence } from './shared/legacyComparison.ts';

/** The narrower claim VMMs rely on: a QEMU-shaped application sees no difference between the legacy container
 * and iommufd compat, beyond GET_INFO contents and where resource failures are reported (not modelled). */
export const qemuShapedCompatMatchesType1: Property = {
  code: 'qemu-shaped-compat-matches-type1',
  title: 'A QEMU-shaped application (SET_IOMMU(TYPE1v2) once, fresh maps, matching unmaps) sees type1 results',
  claim: {
    quote:
      'In this sequence the differences found are limited to GET_INFO contents, where a resource or viability failure is reported, the accounting mode, and on pre-fix kernels the empty-range unmap.',
    source: 'legacy-vfio.md section 4, "Where the two agree (a QEMU-shaped legacy application)"',
  },
  kind: 'two-run property',
  scope: 'qemu-shaped',
  expected: (sem) =>
    sem.bugCompatEmptyUnmapEnoent
      ? {
          verdict: 'violated',
          reason:
            'known kernel bug B12: unmapping a range that is already empty gives ENOENT where type1 gives 0 with size 0',
          citation:
            'fixed by afb47765f923 "iommufd: Make vfio_compats unmap succeed if the range is already empty" (Nov 2025; stable 6.12/6.17)',
        }
      : HOLDS,
  check: {
    kind: 'two-run',
    check(trace, ctx) {
      const d = firstDivergence(trace, ctx);
      return d === null ? null : { step: d.step, message: divergenceMessage(d, trace[d.step]?.kind ?? '?') };
    },
  },
};
