// The vfio cdev path (v6.6+, device_cdev.c): bind, attach/replace, detach, exclusion with the group path.
import { describe, expect, it } from 'vitest';
import { Script } from '../helpers/script.ts';

describe('cdev path', () => {
  it('does not exist before v6.6', () => {
    expect(new Script('v6.3').openCdev('tool', 'dev0')).toBe('ENOENT');
  });

  it('BIND creates the DEVICE, ATTACH returns the auto HWPT, re-ATTACH replaces, DETACH always 0', () => {
    const s = new Script('latest');
    s.open('tool', '/dev/iommu');
    s.openCdev('tool', 'dev0');
    expect(s.attachPt('tool', 4, 1)).toBe('EINVAL');
    expect(s.bind('tool', 4, 3)).toBe('0 {out_devid: 1}');
    expect(s.bind('tool', 4, 3)).toBe('EINVAL');
    s.ioasAlloc('tool', 3);
    s.ioasAlloc('tool', 3);
    expect(s.attachPt('tool', 4, 2)).toBe('0 {pt_id: 4}');
    // Replace onto IOAS 3 allocates its auto HWPT while HWPT 4 is still held; HWPT 4 dies with its last device.
    expect(s.attachPt('tool', 4, 3)).toBe('0 {pt_id: 5}');
    expect(s.objects()).toEqual(['DEVICE:1', 'IOAS:2', 'IOAS:3', 'HWPT_PAGING:5']);
    expect(s.attachPt('tool', 4, 1)).toBe('EINVAL');
    expect(s.detachPt('tool', 4)).toBe('0');
    expect(s.detachPt('tool', 4)).toBe('0');
    expect(s.compat()).toBeNull();
  });

  it('a bound cdev blocks the group fd, an open group fd blocks BIND (EBUSY both ways)', () => {
    const s = new Script('v6.6');
    s.open('tool', '/dev/iommu');
    s.openCdev('tool', 'dev0');
    s.openGroup('qemu', 'g0');
    expect(s.bind('tool', 4, 3)).toBe('EBUSY');
    s.close('qemu', 3);
    expect(s.bind('tool', 4, 3)).toBe('0 {out_devid: 1}');
    expect(s.openGroup('qemu', 'g0')).toBe('EBUSY');
    s.close('tool', 4);
    expect(s.openGroup('qemu', 'g0')).toBe('3');
  });

  it('IOMMU_HWPT_ALLOC: ENOENT for a bad pt_id on v6.6, EINVAL on latest', () => {
    for (const [v, want] of [
      ['v6.6', 'ENOENT'],
      ['latest', 'EINVAL'],
    ] as const) {
      const s = new Script(v);
      s.open('tool', '/dev/iommu');
      s.openCdev('tool', 'dev0');
      s.bind('tool', 4, 3);
      expect(s.hwptAlloc('tool', 3, 1, 7), v).toBe(want);
      s.ioasAlloc('tool', 3);
      expect(s.hwptAlloc('tool', 3, 1, 2), v).toBe('0 {out_hwpt_id: 3}');
    }
  });
});
