// The README's library example, as a test: a kernel developer's own property checked across profiles.
import { describe, expect, it } from 'vitest';
import { checkAcrossProfiles, HOLDS, liveCtxs, type Property, stepMonitor } from '../../src/index.ts';

/** "IOMMU_VFIO_IOAS GET never creates an object" — stated outside the tool, in a user's test file. */
const getNeverCreates: Property = {
  code: 'get-never-creates',
  title: 'IOMMU_VFIO_IOAS GET never creates an object',
  claim: { quote: 'GET never creates an IOAS.', source: 'vfio_compat.c iommufd_vfio_ioas()' },
  kind: 'step property',
  scope: 'mixed',
  expected: () => HOLDS,
  check: {
    kind: 'monitor',
    create: () =>
      stepMonitor((s) =>
        s.action.kind === 'IOMMU_VFIO_IOAS' && s.action.op === 0 && s.events.some((e) => e.kind === 'object_created')
          ? 'GET created an object'
          : null,
      ),
  },
};

/** A deliberately false claim, to show a violation coming back. */
const neverTwoIoas: Property = {
  ...getNeverCreates,
  code: 'never-two-ioas',
  check: {
    kind: 'monitor',
    create: () =>
      stepMonitor((s) => {
        for (const [, c] of liveCtxs(s.after))
          if (c.objects.filter((o) => o?.type === 'IOAS').length >= 2) return 'two IOASes';
        return null;
      }),
  },
};

describe('checkAcrossProfiles', () => {
  it('holds where the claim is true', () => {
    const r = checkAcrossProfiles(getNeverCreates, { profiles: ['v6.2', 'latest'], runs: 300 });
    expect(r.map((x) => x.verdict)).toEqual(['holds', 'holds']);
  });

  it('returns a shrunk trace where it is not', () => {
    const [r] = checkAcrossProfiles(neverTwoIoas, { profiles: ['latest'], runs: 300 });
    expect(r?.verdict).toBe('violated');
    expect(r?.trace.length).toBeGreaterThanOrEqual(3);
    expect(r?.message).toBe('two IOASes');
  });
});
