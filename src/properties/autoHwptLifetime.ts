import { liveCtxs, objectsOf } from '../model/inspect.ts';
import { expecting } from './expecting.ts';
import { HOLDS, invariantMonitor, type Property } from './Property.ts';

export const autoHwptLifetime: Property = {
  code: 'auto-hwpt-lifetime',
  title: 'An automatic HWPT lives exactly while it has devices, and sits once on its IOAS hwpt_list',
  claim: {
    quote:
      'An auto HWPT id appears at attach and disappears at detach; each hwpt appears on its IOAS hwpt_list exactly once.',
    source: 'device.c iommufd_hw_pagetable_put() / iommufd_device_auto_get_domain(); kernel-history.md B3',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: expecting(() => HOLDS, {
    'bug-hwpt-list-double-add': {
      verdict: 'violated',
      reason:
        'known kernel bug B3, injected: the first device attached by HWPT id adds the HWPT to its IOAS hwpt_list twice (list corruption)',
      citation: 'v6.2.0-6.2.2 device.c iommufd_device_do_attach(); fixed by b4ff830eca09 (CVE-2023-54043)',
    },
  }),
  check: {
    kind: 'monitor',
    create: () =>
      invariantMonitor((w) => {
        for (const [c, ictx] of liveCtxs(w)) {
          for (const [id, o] of objectsOf(ictx)) {
            if (o.type === 'IOAS' && new Set(o.hwptList).size !== o.hwptList.length) {
              return `ctx ${c}: IOAS ${id} hwpt_list has a duplicate (${o.hwptList.join(', ')})`;
            }
            if (o.type !== 'HWPT_PAGING') continue;
            const parent = ictx.objects[o.ioas];
            if (parent?.type !== 'IOAS' || !parent.hwptList.includes(id))
              return `ctx ${c}: HWPT ${id} is not on IOAS ${o.ioas}'s hwpt_list`;
            if (!o.auto) continue;
            let devices = 0;
            for (const [, x] of objectsOf(ictx)) if (x.type === 'DEVICE' && x.hwpt === id) devices++;
            if (devices === 0) return `ctx ${c}: automatic HWPT ${id} outlived its last device`;
          }
        }
        return null;
      }),
  },
};
