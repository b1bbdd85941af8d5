// The argument picker's invalid ids: besides 0 and one past the end, a live object of another type and a freed
// id, so that the search (and kernel fuzz) exercise the kernel's type checks and its id reuse.
import { describe, expect, it } from 'vitest';
import { resolve } from '../../src/checker/resolve.ts';
import type { Template } from '../../src/checker/template.ts';
import { MIXED, Script, SET } from '../helpers/script.ts';

/** tool: /dev/iommu (fd 3), dev0 bound (DEVICE 1), IOAS 2 destroyed (a hole), IOAS 3. */
function world() {
  const s = new Script('v6.12');
  s.open('tool', '/dev/iommu');
  s.openCdev('tool', 'dev0');
  s.bind('tool', 4, 3);
  s.ioasAlloc('tool', 3);
  s.ioasAlloc('tool', 3);
  s.destroy('tool', 3, 2);
  expect(s.objects()).toEqual(['DEVICE:1', 'IOAS:3']);
  return s;
}

describe('resolve: the ids an op must refuse', () => {
  it('IOMMU_VFIO_IOAS SET gets, among its invalid picks, 0, one past the end, a DEVICE id and a freed id', () => {
    const s = world();
    const tool = MIXED.actors.findIndex((a) => a.name === 'tool');
    const ids = new Set<number>();
    for (let p2 = 0; p2 < 400; p2++) {
      const t: Template = { kind: 'IOMMU_VFIO_IOAS', actor: tool, p: [0, 0, p2, 0], fault: null };
      const a = resolve(s.world, t, MIXED);
      if (a.kind !== 'IOMMU_VFIO_IOAS') throw new Error(`resolved to ${a.kind}`);
      expect(a.op).toBe(SET);
      ids.add(a.ioas_id);
    }
    // 3: the live IOAS; 4: one past the end; 0; 1: the DEVICE (wrong type); 2: the freed IOAS.
    expect([...ids].sort()).toEqual([0, 1, 2, 3, 4]);
    // And the model refuses the wrong type and the freed id like the kernel (iommufd_get_ioas(): ENOENT).
    expect(s.vfioIoas('tool', 3, SET, 1)).toBe('ENOENT');
    expect(s.vfioIoas('tool', 3, SET, 2)).toBe('ENOENT');
  });
});
