// iommufd object ids, IOMMU_DESTROY and IOMMU_VFIO_IOAS, as main.c and vfio_compat.c define them.
import { describe, expect, it } from 'vitest';
import { KERNEL_VERSIONS } from '../../src/model/semantics.ts';
import { CLEAR, GET, Script, SET } from '../helpers/script.ts';

describe.each(KERNEL_VERSIONS)('iommufd objects on %s', (v) => {
  it('allocates the lowest free id >= 1 and reuses a destroyed id (xa_alloc, XA_FLAGS_ALLOC1)', () => {
    const s = new Script(v);
    expect(s.open('tool', '/dev/iommu')).toBe('3');
    expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 1}');
    expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 2}');
    expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 3}');
    expect(s.destroy('tool', 3, 2)).toBe('0');
    expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 2}');
  });

  it('IOMMU_DESTROY: ENOENT for a missing id, EBUSY while an IOAS has a HWPT, any type accepted', () => {
    const s = new Script(v);
    s.open('qemu');
    s.openGroup('qemu', 'g0');
    s.setContainer('qemu', 4, 3);
    s.getDeviceFd('qemu', 4, 'dev0');
    s.pass('qemu', 3, 'tool');
    expect(s.objects()).toEqual(['IOAS:1', 'DEVICE:2', 'HWPT_PAGING:3']);
    expect(s.destroy('tool', 3, 9)).toBe('ENOENT');
    expect(s.destroy('tool', 3, 0)).toBe('ENOENT');
    expect(s.destroy('tool', 3, 1)).toBe('EBUSY');
    expect(s.destroy('tool', 3, 2)).toBe('EBUSY');
    expect(s.destroy('tool', 3, 3)).toBe('EBUSY');
  });

  it('IOMMU_VFIO_IOAS: __reserved before op, GET never creates, SET needs an IOAS, CLEAR always succeeds', () => {
    const s = new Script(v);
    s.open('tool', '/dev/iommu');
    expect(s.vfioIoas('tool', 3, 7, 0, 1)).toBe('EOPNOTSUPP');
    expect(s.vfioIoas('tool', 3, 7)).toBe('EOPNOTSUPP');
    expect(s.vfioIoas('tool', 3, GET)).toBe('ENODEV');
    expect(s.objects()).toEqual([]);
    expect(s.vfioIoas('tool', 3, CLEAR)).toBe('0');
    expect(s.vfioIoas('tool', 3, SET, 1)).toBe('ENOENT');
    s.ioasAlloc('tool', 3);
    expect(s.vfioIoas('tool', 3, SET, 1)).toBe('0');
    expect(s.vfioIoas('tool', 3, GET)).toBe('0 {ioas_id: 1}');
    expect(s.vfioIoas('tool', 3, CLEAR)).toBe('0');
    expect(s.objects()).toEqual(['IOAS:1']);
  });

  it('destroying the compat IOAS clears vfio_ioas, so GET gives ENODEV (the selftest vfio_ioas)', () => {
    const s = new Script(v);
    s.open('tool', '/dev/iommu');
    s.ioasAlloc('tool', 3);
    s.vfioIoas('tool', 3, SET, 1);
    expect(s.destroy('tool', 3, 1)).toBe('0');
    expect(s.compat()).toBeNull();
    expect(s.vfioIoas('tool', 3, GET)).toBe('ENODEV');
  });

  it('IOMMU_IOAS_ALLOC: flags -> EOPNOTSUPP; a failed copy-out aborts and frees the id', () => {
    const s = new Script(v);
    s.open('tool', '/dev/iommu');
    expect(s.do('tool', { kind: 'IOMMU_IOAS_ALLOC', fd: 3, flags: 1, fault: null })).toBe('EOPNOTSUPP');
    expect(s.ioasAlloc('tool', 3, 'copy_to_user')).toBe('EFAULT');
    expect(s.ioasAlloc('tool', 3, 'ioas_alloc')).toBe('ENOMEM');
    expect(s.ioasAlloc('tool', 3)).toBe('0 {out_ioas_id: 1}');
  });

  it('closing the last fd releases every object (iommufd_fops_release)', () => {
    const s = new Script(v);
    s.open('tool', '/dev/iommu');
    s.ioasAlloc('tool', 3);
    s.ioasAlloc('tool', 3);
    expect(s.close('tool', 3)).toBe('0');
    expect(s.world.ctxs).toEqual([]);
  });

  it('an fd that is not an iommufd gives EBADF when closed, ENOTTY for IOMMU_* on a group fd', () => {
    const s = new Script(v);
    expect(s.ioasAlloc('tool', 3)).toBe('EBADF');
    s.openGroup('tool', 'g0');
    expect(s.ioasAlloc('tool', 3)).toBe('ENOTTY');
  });
});
