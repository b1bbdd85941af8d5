import type { Property } from './Property.ts';
import { compatPinnedMonitor } from './shared/compatPinned.ts';

/** The uAPI comment's claim, checked with a native application sharing the iommufd. */
export const uapiCommentCompatIoasFixed: Property = {
  code: 'uapi-comment-compat-ioas-fixed',
  title: 'uAPI comment: once VFIO has the compat IOAS, IOMMU_VFIO_IOAS does not affect it',
  claim: {
    quote: 'From then on VFIO will continue to use that ioas and is not effected by this ioctl.',
    source: 'include/uapi/linux/iommufd.h, comment of struct iommu_vfio_ioas',
  },
  kind: 'trace property',
  scope: 'mixed',
  expected: () => ({
    verdict: 'violated',
    reason:
      'the comment contradicts the code: every legacy MAP_DMA and every device first open look vfio_ioas up again, so SET/CLEAR/DESTROY after SET_CONTAINER redirect them (evidence for a doc fix)',
    citation:
      'vfio_compat.c get_compat_ioas() per ioctl; vfio/iommufd.c vfio_iommufd_compat_attach_ioas(); kernel-semantics.md B5',
  }),
  check: { kind: 'monitor', create: compatPinnedMonitor },
};
