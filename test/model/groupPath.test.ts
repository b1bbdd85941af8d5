// The vfio group path with an iommufd: SET_CONTAINER, GET_DEVICE_FD, UNSET_CONTAINER, device close.
import { describe, expect, it } from 'vitest';
import { GET, Script, SET } from '../helpers/script.ts';

function setup(v: string) {
  const s = new Script(v);
  s.open('qemu');
  s.openGroup('qemu', 'g1');
  s.pass('qemu', 3, 'tool');
  return s;
}

describe('group path', () => {
  it('SET_CONTAINER creates the compat IOAS; GET_DEVICE_FD binds and attaches through an auto HWPT', () => {
    for (const v of ['v6.2', 'v6.3', 'v6.6', 'latest']) {
      const s = setup(v);
      expect(s.setContainer('qemu', 4, 3)).toBe('0');
      expect(s.compat()).toBe(1);
      expect(s.getDeviceFd('qemu', 4, 'dev1')).toBe('5');
      expect(s.objects()).toEqual(['IOAS:1', 'DEVICE:2', 'HWPT_PAGING:3']);
      // The second device of the group shares the group's HWPT.
      expect(s.getDeviceFd('qemu', 4, 'dev2')).toBe('6');
      expect(s.objects()).toEqual(['IOAS:1', 'DEVICE:2', 'HWPT_PAGING:3', 'DEVICE:4']);
    }
  });

  it('checks: EINVAL twice, EBADF for a closed container fd, EBADFD for a non-iommufd fd, ENODEV for a foreign name', () => {
    const s = setup('latest');
    expect(s.setContainer('qemu', 4, 9)).toBe('EBADF');
    expect(s.setContainer('qemu', 4, 4)).toBe('EBADFD');
    expect(s.getDeviceFd('qemu', 4, 'dev1')).toBe('EINVAL');
    expect(s.setContainer('qemu', 4, 3)).toBe('0');
    expect(s.setContainer('qemu', 4, 3)).toBe('EINVAL');
    expect(s.getDeviceFd('qemu', 4, 'dev0')).toBe('ENODEV');
    expect(s.openGroup('tool', 'g1')).toBe('EBUSY');
  });

  it('v6.2 re-creates a cleared compat IOAS at the first open; v6.3+ fail that open with ENODEV', () => {
    for (const [v, want] of [
      ['v6.2', '5'],
      ['v6.3', 'ENODEV'],
      ['v6.6', 'ENODEV'],
      ['latest', 'ENODEV'],
    ] as const) {
      const s = setup(v);
      s.setContainer('qemu', 4, 3);
      s.vfioIoas('tool', 3, 2);
      expect(s.getDeviceFd('qemu', 4, 'dev1'), v).toBe(want);
    }
  });

  it('SET redirects the next open, not the devices already open (Y20y6MnCn+pqXcnI)', () => {
    const s = setup('latest');
    s.openGroup('qemu', 'g0');
    s.setContainer('qemu', 4, 3);
    s.setContainer('qemu', 5, 3);
    s.getDeviceFd('qemu', 4, 'dev1');
    s.ioasAlloc('tool', 3);
    expect(s.vfioIoas('tool', 3, SET, 4)).toBe('0');
    const dev1Hwpt = s.world.ctxs[0]?.objects[2];
    expect(dev1Hwpt?.type === 'DEVICE' && dev1Hwpt.hwpt).toBe(3);
    s.getDeviceFd('qemu', 5, 'dev0');
    const dev0 = s.world.ctxs[0]?.objects[5];
    const hwpt = dev0?.type === 'DEVICE' && dev0.hwpt !== null ? s.world.ctxs[0]?.objects[dev0.hwpt] : undefined;
    expect(hwpt?.type === 'HWPT_PAGING' && hwpt.ioas).toBe(4);
  });

  it('the second device of a group cannot join another IOAS: v6.2 EBUSY (iommu_attach_group), igroup era EINVAL', () => {
    for (const [v, want] of [
      ['v6.2', 'EBUSY'],
      ['v6.6', 'EINVAL'],
    ] as const) {
      const s = setup(v);
      s.setContainer('qemu', 4, 3);
      s.getDeviceFd('qemu', 4, 'dev1');
      s.ioasAlloc('tool', 3);
      s.vfioIoas('tool', 3, SET, 4);
      expect(s.getDeviceFd('qemu', 4, 'dev2'), v).toBe(want);
    }
  });

  it('a failed attach unbinds: no DEVICE object, open_count 0 (vfio_iommufd_bind err_unbind)', () => {
    const s = setup('latest');
    s.setContainer('qemu', 4, 3);
    expect(s.getDeviceFd('qemu', 4, 'dev1', 'attach')).toBe('ENOMEM');
    expect(s.objects()).toEqual(['IOAS:1']);
    expect(s.world.devices[s.dev('dev1')]?.openCount).toBe(0);
    expect(s.world.devices[s.dev('dev1')]?.binding).toBeNull();
  });

  it('UNSET_CONTAINER has no busy check; on v6.6+ close still unbinds through df->iommufd', () => {
    const s = setup('v6.6');
    s.setContainer('qemu', 4, 3);
    s.getDeviceFd('qemu', 4, 'dev1');
    expect(s.unsetContainer('qemu', 4)).toBe('0');
    expect(s.close('qemu', 5)).toBe('0');
    expect(s.objects()).toEqual(['IOAS:1']);
    expect(s.events.flat().some((e) => e.kind === 'kernel_warn')).toBe(false);
  });

  it('L1 on v6.2/v6.3: closing after UNSET_CONTAINER skips the unbind and WARNs (group->iommufd is NULL)', () => {
    for (const v of ['v6.2', 'v6.3']) {
      const s = setup(v);
      s.setContainer('qemu', 4, 3);
      s.getDeviceFd('qemu', 4, 'dev1');
      s.unsetContainer('qemu', 4);
      s.close('qemu', 5);
      expect(s.objects(), v).toEqual(['IOAS:1', 'DEVICE:2', 'HWPT_PAGING:3']);
      expect(s.events.at(-1)?.some((e) => e.kind === 'kernel_warn')).toBe(true);
    }
  });

  it('B1 on v6.2: a failed compat IOAS allocation in SET_CONTAINER oopses and leaks the ictx reference', () => {
    const s = setup('v6.2');
    expect(s.setContainer('qemu', 4, 3, 'ioas_alloc')).toBe('ENOMEM');
    expect(s.events.at(-1)?.some((e) => e.kind === 'kernel_oops')).toBe(true);
    expect(s.world.ctxs[0]?.kernelRefs).toBe(1);
    const fixed = setup('v6.3');
    expect(fixed.setContainer('qemu', 4, 3, 'ioas_alloc')).toBe('ENOMEM');
    expect(fixed.world.ctxs[0]?.kernelRefs).toBe(0);
  });

  it('GET on the shared iommufd sees the compat IOAS that SET_CONTAINER created', () => {
    const s = setup('v6.3');
    s.setContainer('qemu', 4, 3);
    expect(s.vfioIoas('tool', 3, GET)).toBe('0 {ioas_id: 1}');
  });
});
