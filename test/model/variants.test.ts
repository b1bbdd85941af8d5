// Design variants from the review and injected review-caught defects, on hand-written traces.
import { describe, expect, it } from 'vitest';
import { CLEAR, P, Script, SET } from '../helpers/script.ts';

function shared(v: string): Script {
  const s = new Script(v);
  s.open('qemu');
  s.openGroup('qemu', 'g1');
  s.pass('qemu', 3, 'tool');
  s.setContainer('qemu', 4, 3);
  return s;
}

describe('design variants', () => {
  it('+ioas-set-busy refuses SET while the compat IOAS has a device, allows it otherwise', () => {
    const s = shared('latest+ioas-set-busy');
    s.ioasAlloc('tool', 3);
    expect(s.vfioIoas('tool', 3, SET, 2)).toBe('0');
    expect(s.vfioIoas('tool', 3, SET, 1)).toBe('0');
    s.getDeviceFd('qemu', 4, 'dev1');
    expect(s.vfioIoas('tool', 3, SET, 2)).toBe('EBUSY');
    expect(s.vfioIoas('tool', 3, CLEAR)).toBe('0');
  });

  it('+uapi-comment: the group keeps its SET_CONTAINER IOAS for opens and MAP_DMA', () => {
    const s = shared('latest+uapi-comment');
    s.ioasAlloc('tool', 3);
    s.vfioIoas('tool', 3, SET, 2);
    expect(s.mapDma('qemu', 3, 0, P)).toBe('0');
    s.getDeviceFd('qemu', 4, 'dev1');
    const ioas1 = s.world.ctxs[0]?.objects[1];
    expect(ioas1?.type === 'IOAS' && ioas1.areas.length).toBe(1);
    expect(ioas1?.type === 'IOAS' && ioas1.hwptList.length).toBe(1);
  });

  it('+cached-compat-id reuses the id cached at the first attach, even after the id was reused', () => {
    const s = shared('latest+cached-compat-id');
    s.getDeviceFd('qemu', 4, 'dev1');
    s.close('qemu', 5);
    s.destroy('tool', 3, 1);
    s.ioasAlloc('tool', 3);
    expect(s.getDeviceFd('qemu', 4, 'dev1')).toBe('5');
    expect(shared('latest').getDeviceFd('qemu', 4, 'dev1')).toBe('5');
  });
});

describe('bug flags', () => {
  it('+bug-emulated-unbind-skipped leaves the mdev bound after close', () => {
    const s = new Script('latest+bug-emulated-unbind-skipped');
    s.open('qemu');
    s.openGroup('qemu', 'g2');
    s.setContainer('qemu', 4, 3);
    s.getDeviceFd('qemu', 4, 'mdev0');
    s.close('qemu', 5);
    expect(s.world.devices[s.dev('mdev0')]?.binding).not.toBeNull();
  });

  it('+bug-attached-at-bind oopses when a failed attach is torn down', () => {
    const s = shared('v6.2+bug-attached-at-bind');
    expect(s.getDeviceFd('qemu', 4, 'dev1', 'attach')).toBe('ENOMEM');
    expect(s.events.at(-1)?.some((e) => e.kind === 'kernel_oops')).toBe(true);
    // v6.6+ physical_attach_ioas() believes the device attached and replaces: EINVAL, then the same oops.
    const t = shared('latest+bug-attached-at-bind');
    expect(t.getDeviceFd('qemu', 4, 'dev1')).toBe('EINVAL');
    expect(t.events.at(-1)?.some((e) => e.kind === 'kernel_oops')).toBe(true);
  });

  it('+bug-compat-not-stored leaves vfio_ioas NULL after SET_CONTAINER', () => {
    const s = shared('latest+bug-compat-not-stored');
    expect(s.compat()).toBeNull();
    expect(s.getDeviceFd('qemu', 4, 'dev1')).toBe('ENODEV');
  });
});

describe('+bug-hwpt-list-double-add (B3)', () => {
  it('adds a user HWPT to its IOAS list a second time on the first attach by HWPT id', () => {
    const s = new Script('latest+bug-hwpt-list-double-add');
    s.open('tool', '/dev/iommu');
    s.openCdev('tool', 'dev0');
    s.bind('tool', 4, 3);
    s.ioasAlloc('tool', 3);
    s.hwptAlloc('tool', 3, 1, 2);
    expect(s.attachPt('tool', 4, 3)).toBe('0 {pt_id: 3}');
    const ioas = s.world.ctxs[0]?.objects[2];
    expect(ioas?.type === 'IOAS' && ioas.hwptList).toEqual([3, 3]);
  });
});
