import { liveCtxs } from '../model/inspect.ts';
import { HOLDS, invariantMonitor, type Property } from './Property.ts';

export const vfioIoasIsLiveIoas: Property = {
  code: 'vfio-ioas-live',
  title: 'vfio_ioas is null or a live IOAS (a weak pointer cleared by destroy)',
  claim: {
    quote: 'Destroy clears vfio_ioas; a dangling vfio_ioas is not reachable.',
    source: 'main.c iommufd_object_remove(); kernel-semantics.md C5',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: () => HOLDS,
  check: {
    kind: 'monitor',
    create: () =>
      invariantMonitor((w) => {
        for (const [c, ictx] of liveCtxs(w)) {
          if (ictx.vfioIoas !== null && ictx.objects[ictx.vfioIoas]?.type !== 'IOAS') {
            return `ctx ${c}: vfio_ioas ${ictx.vfioIoas} is not a live IOAS`;
          }
        }
        return null;
      }),
  },
};
