import { expecting, injected } from './expecting.ts';
import { HOLDS, type Property } from './Property.ts';
import { compatPinnedMonitor } from './shared/compatPinned.ts';

/** A legacy-only application always uses the compat IOAS its SET_CONTAINER obtained. */
export const legacyCompatIoasStable: Property = {
  code: 'legacy-compat-ioas-stable',
  title: 'Legacy-only: devices and MAP_DMA stay on the compat IOAS from SET_CONTAINER',
  claim: {
    quote: "A legacy vfio application doesn't use IOAS_SET so the backward compatibility is guaranteed.",
    source:
      'Kevin Tian / Jason Gunthorpe, "vfio-iommufd: Support iommufd for physical VFIO devices" v2 07/11, Nov 2022',
  },
  kind: 'trace property',
  scope: 'legacy-only',
  expected: expecting(() => HOLDS, {
    'bug-compat-not-stored': injected(
      'create_compat_ioas() never stores vfio_ioas, so SET_CONTAINER leaves no compat IOAS',
      'early RFC vfio_compat.c, nicolinc/iommufd @00d74b2f',
    ),
  }),
  check: { kind: 'monitor', create: compatPinnedMonitor },
};
