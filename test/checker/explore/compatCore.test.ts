// The compat-core benchmark model: its pinned state counts, the fingerprint path against exact storage, and
// its shortest counterexample for a claim that does not hold.
import { describe, expect, it } from 'vitest';
import { compatCore, coreLabel } from '../../../bench/models/compat-core.ts';
import { coreInvariants } from '../../../bench/models/compat-core-invariants.ts';
import {
  CoreState,
  DEVICE,
  devObj,
  EMPTY_STATE,
  hwptCode,
  IOAS,
  setDevice,
  setVfioIoas,
  withSlot,
} from '../../../bench/models/compat-core-state.ts';
import type { Invariant } from '../../../src/checker/explore/ExplorableModel.ts';
import { explore } from '../../../src/checker/explore/explore.ts';

describe('compat-core', () => {
  it('has 41,104 states, 945,392 transitions and depth 21 with 6 objects, every invariant holding', () => {
    const r = explore(compatCore(6), { invariants: coreInvariants });
    expect(r).toMatchObject({ states: 41_104, transitions: 945_392, depth: 21, exhausted: true, violations: [] });
    expect(r.transitions).toBe(23 * r.states);
  });

  it('has 252,624 states with 7 objects (25 actions each), at no more than 32 bytes a state', () => {
    const r = explore(compatCore(7));
    expect(r).toMatchObject({ states: 252_624, transitions: 25 * 252_624, depth: 23, exhausted: true });
    expect(r.bytesPerState).toBeLessThanOrEqual(32);
  });

  it('gives the same counts with whole states stored as with fingerprints', () => {
    const pick = ({ states, transitions, selfLoops, depth, exhausted }: ReturnType<typeof explore>) => ({
      states,
      transitions,
      selfLoops,
      depth,
      exhausted,
    });
    for (const n of [4, 6])
      expect(pick(explore(compatCore(n), { fullStates: true }))).toEqual(pick(explore(compatCore(n))));
  });

  it('finds the shortest way to open both devices', () => {
    const bothOpen: Invariant<CoreState> = {
      name: 'never-both-open',
      check: (s) => (devObj(s, 0) !== 0 && devObj(s, 1) !== 0 ? 'both devices are open' : null),
    };
    const [v] = explore(compatCore(6), { invariants: [bothOpen] }).violations;
    expect(v?.trace.map(coreLabel)).toEqual([
      'SET_CONTAINER(g0)',
      'SET_CONTAINER(g1)',
      'GET_DEVICE_FD(g0)',
      'GET_DEVICE_FD(g1)',
    ]);
  });

  it('has invariants that can fail, each on a hand-broken state', () => {
    const dangling = withSlot(new CoreState(setDevice(0, 0, 1, 2), 0, 0), 1, DEVICE); // dev0 on a missing HWPT 2
    const stale = new CoreState(setVfioIoas(0, 3), 0, 0); // vfio_ioas names no object
    const miscounted = withSlot(withSlot(EMPTY_STATE, 2, IOAS), 1, hwptCode(2, 2)); // 2 devices counted, none open
    const failing = (s: CoreState) => coreInvariants.filter((inv) => inv.check(s) !== null).map((inv) => inv.name);
    expect(failing(dangling)).toEqual(['attachments-live']);
    expect(failing(stale)).toEqual(['vfio-ioas-live']);
    expect(failing(miscounted)).toEqual(['hwpt-count']);
  });

  it('rejects an object bound it cannot pack', () => {
    expect(() => compatCore(13)).toThrow(RangeError);
    expect(() => compatCore(0)).toThrow(RangeError);
  });
});
