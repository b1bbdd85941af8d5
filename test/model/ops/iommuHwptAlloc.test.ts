// IOMMU_HWPT_ALLOC per version, branch by branch: written from the mutants `npm run mutate` left alive in
// src/model/ops/iommuHwptAlloc.ts (each case names the rule it pins).
import { describe, expect, it } from 'vitest';
import { fd } from '../../../src/model/ids.ts';
import { makeTopology } from '../../../src/model/topology.ts';
import { MIXED, Script } from '../../helpers/script.ts';

/** tool: /dev/iommu (fd 3), dev0's cdev (fd 4) bound (DEVICE 1), an IOAS (id 2). */
function bound(profile: string, topo = MIXED): Script {
  const s = new Script(profile, topo);
  s.open('tool', '/dev/iommu');
  s.openCdev('tool', 'dev0');
  expect(s.bind('tool', 4, 3)).toBe('0 {out_devid: 1}');
  expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 2}');
  return s;
}

/** tool: /dev/iommu (fd 3), an IOAS (1) and a selftest mock device on it (DEVICE 3 behind stdev 2). */
function mock(profile: string): Script {
  const s = new Script(profile);
  s.open('tool', '/dev/iommu');
  s.ioasAlloc('tool', 3);
  s.do('tool', { kind: 'IOMMU_TEST_OP_MOCK_DOMAIN', fd: fd(3), pt_id: 1 });
  return s;
}

const alloc = (s: Script, dev: number, pt: number, flags = 0, fault: 'hwpt_alloc' | 'copy_to_user' | null = null) =>
  s.do('tool', { kind: 'IOMMU_HWPT_ALLOC', fd: fd(3), dev_id: dev, pt_id: pt, flags, fault });

describe('IOMMU_HWPT_ALLOC', () => {
  it('does not exist before v6.6 (ENOTTY)', () => {
    const s = new Script('v6.3');
    s.open('tool', '/dev/iommu');
    expect(alloc(s, 1, 1)).toBe('ENOTTY');
  });

  it('v6.6: any flag is EOPNOTSUPP before the lookups; a bad pt_id is ENOENT', () => {
    const s = bound('v6.6');
    expect(alloc(s, 99, 99, 1)).toBe('EOPNOTSUPP');
    expect(alloc(s, 1, 99)).toBe('ENOENT');
    expect(alloc(s, 99, 2)).toBe('ENOENT');
    expect(alloc(s, 1, 2)).toBe('0 {out_hwpt_id: 3}');
  });

  it('v6.12: dev_id, then pt_id, then the paging flags, then the IOMMU (no nesting, no dirty tracking)', () => {
    const s = bound('v6.12');
    expect(alloc(s, 99, 2, 16)).toBe('ENOENT');
    expect(alloc(s, 1, 99, 16)).toBe('EINVAL');
    expect(alloc(s, 1, 1, 16)).toBe('EINVAL');
    expect(alloc(s, 1, 2, 16)).toBe('EOPNOTSUPP');
    expect(alloc(s, 1, 2, 4)).toBe('EOPNOTSUPP');
    expect(alloc(s, 1, 2, 2)).toBe('EOPNOTSUPP');
    expect(alloc(s, 1, 2, 1)).toBe('EOPNOTSUPP');
    expect(s.objects()).toEqual(['DEVICE:1', 'IOAS:2']);
    expect(alloc(s, 1, 2)).toBe('0 {out_hwpt_id: 3}');
    expect(alloc(s, 1, 3)).toBe('EOPNOTSUPP');
  });

  it('v6.12: an IOMMU that nests or tracks dirty pages accepts the flag: outside the model', () => {
    const caps = makeTopology({
      groups: [{ name: 'g0', devices: [{ name: 'dev0', kind: 'physical' }] }],
      actors: MIXED.actors,
      iommuNesting: true,
      iommuDirtyTracking: true,
    });
    const s = bound('v6.12', caps);
    expect(alloc(s, 1, 2, 1)).toMatch(/^not modelled \(a nest-parent HWPT/);
    expect(alloc(s, 1, 2, 2)).toMatch(/^not modelled \(a dirty-tracking HWPT/);
  });

  it('v6.12 mock device: NEST_PARENT allocates like flags 0, DIRTY_TRACKING is outside the model', () => {
    const s = mock('v6.12');
    expect(alloc(s, 3, 1, 2)).toMatch(/^not modelled \(a dirty-tracking HWPT/);
    expect(alloc(s, 3, 1, 1)).toBe('0 {out_hwpt_id: 5}');
    const h = s.world.ctxs[0]?.objects[5];
    expect(h?.type === 'HWPT_PAGING' && h.mock).toBe(true);
  });

  it('latest: unknown bits first, then a real device with a flag is outside the model, a mock one is not', () => {
    const s = bound('latest');
    expect(alloc(s, 99, 99, 16)).toBe('EOPNOTSUPP');
    expect(alloc(s, 1, 2, 1)).toMatch(/^not modelled \(IOMMU_HWPT_ALLOC flags/);
    expect(alloc(s, 99, 2, 1)).toBe('ENOENT');
    expect(alloc(s, 1, 99)).toBe('EINVAL');
    expect(alloc(s, 1, 1)).toBe('EINVAL');
    expect(alloc(s, 1, 2)).toBe('0 {out_hwpt_id: 3}');
    expect(alloc(s, 1, 3)).toBe('EOPNOTSUPP');
    const real = s.world.ctxs[0]?.objects[3];
    expect(real?.type === 'HWPT_PAGING' && real.mock).toBe(false);
    const m = mock('latest');
    expect(alloc(m, 3, 1, 1)).toBe('0 {out_hwpt_id: 5}');
    expect(alloc(m, 3, 1, 2)).toMatch(/^not modelled/);
    const h = m.world.ctxs[0]?.objects[5];
    expect(h?.type === 'HWPT_PAGING' && h.mock).toBe(true);
  });

  it('the HWPT of a real device is not a mock one; injected faults give their errno and leave nothing', () => {
    const s = bound('v6.12');
    expect(alloc(s, 1, 2, 0, 'hwpt_alloc')).toBe('ENOMEM');
    expect(alloc(s, 1, 2, 0, 'copy_to_user')).toBe('EFAULT');
    expect(s.objects()).toEqual(['DEVICE:1', 'IOAS:2']);
    expect(alloc(s, 1, 2)).toBe('0 {out_hwpt_id: 3}');
    const h = s.world.ctxs[0]?.objects[3];
    expect(h?.type === 'HWPT_PAGING' && h.mock).toBe(false);
    const ioas = s.world.ctxs[0]?.objects[2];
    expect(ioas?.type === 'IOAS' ? [ioas.users, ioas.hwptList] : null).toEqual([2, [3]]);
  });
});

describe('the cdev ioctls flags', () => {
  it('up to v6.12 any flag is EINVAL, first; latest gives bit 0 a meaning outside the model', () => {
    for (const [profile, bit0] of [
      ['v6.12', 'EINVAL'],
      ['latest', 'not modelled'],
    ] as const) {
      const s = new Script(profile);
      s.open('tool', '/dev/iommu');
      s.openCdev('tool', 'dev0');
      const bind = (flags: number) =>
        s.do('tool', { kind: 'VFIO_DEVICE_BIND_IOMMUFD', fd: fd(4), iommufd: fd(3), flags, fault: null });
      expect(bind(1).startsWith(bit0)).toBe(true);
      expect(bind(2)).toBe('EINVAL');
      expect(bind(0)).toBe('0 {out_devid: 1}');
      s.ioasAlloc('tool', 3);
      const attach = (flags: number) =>
        s.do('tool', { kind: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT', fd: fd(4), pt_id: 2, flags, fault: null });
      expect(attach(1).startsWith(bit0)).toBe(true);
      expect(attach(4)).toBe('EINVAL');
      const detach = (flags: number) => s.do('tool', { kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', fd: fd(4), flags });
      expect(detach(1).startsWith(bit0)).toBe(true);
      expect(detach(8)).toBe('EINVAL');
      expect(detach(0)).toBe('0');
    }
  });
});
