import { describe, expect, it } from 'vitest';
import { bootFor, labSlots } from '../../src/lab/slots.ts';
import { deviceIdx, groupIdx } from '../../src/model/ids.ts';
import { makeTopology, NOIOMMU_TOPOLOGY } from '../../src/model/topology.ts';

describe('labSlots', () => {
  it("maps the default topology's groups and devices onto the lab's by role", () => {
    const s = labSlots(NOIOMMU_TOPOLOGY, new Set());
    if (!s.ok) throw new Error(s.reason);
    expect([0, 1, 2, 3].map((g) => s.slots.group(groupIdx(g)))).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect([0, 1, 2, 3, 4].map((d) => s.slots.device(deviceIdx(d)))).toEqual([
      'dev0',
      'dev1',
      'dev2',
      'mdev0',
      'nidev0',
    ]);
  });
  it('names a used group the lab has no device for', () => {
    const t = makeTopology({
      groups: [{ name: 'big', devices: [1, 2, 3].map((i) => ({ name: `d${i}`, kind: 'physical' as const })) }],
    });
    expect(labSlots(t, new Set([groupIdx(0)]))).toEqual({
      ok: false,
      reason: 'the lab has no device for group big (iommu, 3 device(s))',
    });
    expect(labSlots(t, new Set()).ok).toBe(true);
  });
});

describe('bootFor', () => {
  it('picks the boot from the kinds of group a sequence touches', () => {
    const t = NOIOMMU_TOPOLOGY;
    expect(bootFor(t, new Set([groupIdx(0), groupIdx(2)]), false)).toEqual({ boot: 'iommu' });
    expect(bootFor(t, new Set([groupIdx(3)]), false)).toEqual({ boot: 'noiommu' });
    expect(bootFor(t, new Set([groupIdx(1), groupIdx(3)]), false)).toEqual({ boot: 'mixed' });
    expect(bootFor(t, new Set(), true)).toEqual({ boot: 'mock' });
    expect('reason' in bootFor(t, new Set([groupIdx(0)]), true)).toBe(true);
  });
});
