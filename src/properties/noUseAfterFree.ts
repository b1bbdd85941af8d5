import { threadSemantics } from '../model/threads/threadSemantics.ts';
import { HOLDS, type Property } from './Property.ts';
import { laneOf } from './threadLane.ts';

/**
 * Memory safety of object references: no thread touches an object's memory (here: the destroy_rwsem that
 * iommufd_put_object() releases) after another thread freed it. Only a threaded run can violate it.
 */
export const noUseAfterFree: Property = {
  code: 'no-use-after-free',
  title: 'No thread touches an iommufd object after it was freed (short-term references are safe)',
  claim: {
    quote: 'KASAN: slab-use-after-free Read in iommufd_vfio_ioas',
    source:
      'syzbot+d31adfb277377ef8fcba (Nov 2023, on v6.6-rc7); fix 6f9c4d8c468c "iommufd: Do not UAF during iommufd_put_object()"',
  },
  kind: 'step property',
  scope: 'threaded',
  expected: (sem) =>
    threadSemantics(sem).putTouchesAfterDec
      ? {
          verdict: 'violated',
          reason:
            'v6.5-v6.6 iommufd_put_object() drops users and then up_read()s destroy_rwsem; after 99f98a7c0d69 IOMMU_DESTROY no longer takes that rwsem, so it can free the object in between (known kernel bug, fixed in v6.7-rc4)',
          citation:
            'main.c iommufd_put_object() v6.5/v6.6; syzbot d31adfb277377ef8fcba; fixed by 6f9c4d8c468c + bd7a282650b8 (shortterm_users); kernel-history.md B6',
        }
      : HOLDS,
  check: {
    kind: 'monitor',
    create() {
      return {
        step(s) {
          for (const e of laneOf(s).threadEvents) {
            if (e.kind === 'use_after_free')
              return `thread ${e.lane} touched object ${e.id} (object #${e.serial}) in ${e.where} after it was freed`;
          }
          return null;
        },
        end: () => null,
      };
    },
  },
};
