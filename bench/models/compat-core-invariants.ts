// The compat-core model's invariants, checked on every reachable state; each message names the broken object.
import type { Invariant } from '../../src/checker/explore/ExplorableModel.ts';
import {
  type CoreState,
  devHwpt,
  devObj,
  type Group,
  hwptDevices,
  hwptIoas,
  IOAS,
  isHwpt,
  MAX_OBJECTS,
  slot,
  vfioIoas,
} from './compat-core-state.ts';

const GROUPS: readonly Group[] = [0, 1];

export const coreInvariants: readonly Invariant<CoreState>[] = [
  {
    name: 'attachments-live',
    check(s) {
      for (const g of GROUPS) {
        if (devObj(s, g) === 0) continue;
        const c = slot(s, devHwpt(s, g));
        if (!isHwpt(c)) return `dev${g} is attached to HWPT ${devHwpt(s, g)}, which does not exist`;
        if (slot(s, hwptIoas(c)) !== IOAS) return `dev${g}'s HWPT is on IOAS ${hwptIoas(c)}, which does not exist`;
      }
      return null;
    },
  },
  {
    name: 'vfio-ioas-live',
    check(s) {
      const id = vfioIoas(s);
      return id === 0 || slot(s, id) === IOAS ? null : `vfio_ioas is ${id}, which is not an IOAS`;
    },
  },
  {
    name: 'hwpt-count',
    check(s) {
      for (let id = 1; id <= MAX_OBJECTS; id++) {
        const c = slot(s, id);
        if (!isHwpt(c)) continue;
        let on = 0;
        for (const g of GROUPS) if (devObj(s, g) !== 0 && devHwpt(s, g) === id) on++;
        if (on !== hwptDevices(c)) return `HWPT ${id} counts ${hwptDevices(c)} devices, ${on} are attached`;
      }
      return null;
    },
  },
];
