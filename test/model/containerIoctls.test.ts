// The legacy container ioctls iommufd serves (vfio_compat.c), including the B12 and B13 version differences.
import { describe, expect, it } from 'vitest';
import { VFIO_EXT } from '../../src/model/actions.ts';
import { NOIOMMU_TOPOLOGY, withActors } from '../../src/model/topology.ts';
import { CLEAR, P, Script } from '../helpers/script.ts';

function grouped(v: string) {
  const s = new Script(v);
  s.open('qemu');
  s.openGroup('qemu', 'g0');
  s.setContainer('qemu', 4, 3);
  return s;
}

describe('container ioctls on an iommufd', () => {
  it('no compat IOAS: SET_IOMMU, MAP_DMA, UNMAP_DMA and CHECK_EXTENSION(DMA_CC) give ENODEV; argsz/flags first', () => {
    const s = new Script('latest');
    s.open('qemu');
    expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU)).toBe('ENODEV');
    expect(s.setIommu('qemu', 3, 0)).toBe('EINVAL');
    expect(s.mapDma('qemu', 3, 0, P)).toBe('ENODEV');
    expect(s.mapDma('qemu', 3, 0, P, 3, 16)).toBe('EINVAL');
    expect(s.mapDma('qemu', 3, 0, P, 4)).toBe('EINVAL');
    expect(s.unmapDma('qemu', 3, 0, P)).toBe('ENODEV');
    expect(s.checkExtension('qemu', 3, VFIO_EXT.VFIO_DMA_CC_IOMMU)).toBe('ENODEV');
    expect(s.checkExtension('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU)).toBe('1');
  });

  it('MAP_DMA works without SET_IOMMU, repeated SET_IOMMU succeeds, overlap is EEXIST', () => {
    const s = grouped('v6.6');
    expect(s.mapDma('qemu', 3, P, 2 * P)).toBe('0');
    expect(s.mapDma('qemu', 3, 2 * P, P)).toBe('EEXIST');
    expect(s.mapDma('qemu', 3, 8 * P, 0)).toBe('EINVAL');
    expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU)).toBe('0');
    expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU)).toBe('0');
  });

  it('type1v2 unmap of a bisected area: ENOENT, nothing removed; after the lower area is gone: ENOENT with size', () => {
    const s = grouped('latest');
    s.mapDma('qemu', 3, 0, P);
    s.mapDma('qemu', 3, P, 2 * P);
    expect(s.unmapDma('qemu', 3, 0, 2 * P)).toBe('ENOENT {size: 4096}');
    expect(s.unmapDma('qemu', 3, P, 2 * P)).toBe('0 {size: 8192}');
  });

  it('SET_IOMMU(TYPE1) splits areas on unmap (iopt_cut_iova); TYPE1 fails once domains and areas exist', () => {
    const s = grouped('latest');
    expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1_IOMMU)).toBe('0');
    s.mapDma('qemu', 3, 0, 4 * P);
    expect(s.unmapDma('qemu', 3, P, P)).toBe('0 {size: 4096}');
    const t = grouped('latest');
    t.getDeviceFd('qemu', 4, 'dev0');
    t.mapDma('qemu', 3, 0, P);
    expect(t.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1_IOMMU)).toBe('EINVAL');
  });

  it('B12: unmapping an empty range is ENOENT until afb47765f923, 0 with size 0 after', () => {
    expect(grouped('v6.6').unmapDma('qemu', 3, P, P)).toBe('ENOENT {size: 0}');
    expect(grouped('latest').unmapDma('qemu', 3, P, P)).toBe('0 {size: 0}');
    expect(grouped('v6.2').unmapDma('qemu', 3, 0, 0, 2)).toBe('0 {size: 0}');
  });

  it('UNMAP_ALL with a non-zero iova or size is EINVAL, checked after the compat lookup', () => {
    const s = grouped('latest');
    expect(s.unmapDma('qemu', 3, P, 0, 2)).toBe('EINVAL');
    s.vfioIoas('qemu', 3, CLEAR);
    expect(s.unmapDma('qemu', 3, P, 0, 2)).toBe('ENODEV');
  });

  it('B13: CHECK_EXTENSION(TYPE1v2) says 1 in no-IOMMU mode on v6.3/v6.6 while SET_IOMMU fails; latest says 0', () => {
    const topo = withActors(NOIOMMU_TOPOLOGY, [{ name: 'qemu', kind: 'legacy' }]);
    for (const [v, ext] of [
      ['v6.3', '1'],
      ['v6.6', '1'],
      ['latest', '0'],
    ] as const) {
      const s = new Script(v, topo);
      s.open('qemu');
      s.openGroup('qemu', 'g3');
      expect(s.setContainer('qemu', 4, 3), v).toBe('0');
      expect(s.checkExtension('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU), v).toBe(ext);
      expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU), v).toBe('EINVAL');
      expect(s.setIommu('qemu', 3, VFIO_EXT.VFIO_NOIOMMU_IOMMU), v).toBe('0');
    }
  });
});
