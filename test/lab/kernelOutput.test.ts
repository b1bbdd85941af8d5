import { describe, expect, it } from 'vitest';
import { isSplat, parseGuestOutput } from '../../src/lab/kernelOutput.ts';

const OUT = [
  '{"t":"hello","release":"6.12.118+deb12-amd64"}',
  '{"t":"topo","kind":"group","name":"g0","target":"/dev/vfio/1","cdev":"-"}',
  '{"t":"seq","seq":"a.json"}',
  '{"t":"step","seq":"a.json","i":0,"op":"open","ret":6,"errno":0,"out":{}}',
  '{"t":"step","seq":"a.json","i":1,"op":"IOMMU_IOAS_ALLOC","ret":0,"errno":0,"out":{"out_ioas_id":"1"}}',
  '{"t":"kmsg","seq":"a.json","i":1,"level":4,"line":"WARNING: CPU: 0 PID: 1 at drivers/iommu/iommufd/main.c:1 x"}',
  '{"t":"error","seq":"a.json","i":2,"message":"nope"}',
  '{"t":"end","seq":"a.json"}',
  '{"t":"seq","seq":"b.json"}',
  '{"t":"step","seq":"b.json","i":0,"op":"open","ret":-1,"errno":16,"out":{}}\r',
  '{"t":"step","seq":"b.json","i":1,"op":"clo',
].join('\n');

describe('parseGuestOutput', () => {
  const g = parseGuestOutput(OUT);
  it('reads the release, the topology and each step', () => {
    expect(g.release).toBe('6.12.118+deb12-amd64');
    expect(g.topology.get('g0')?.target).toBe('/dev/vfio/1');
    expect(g.sequences.get('a.json')?.steps.get(1)).toEqual({
      index: 1,
      op: 'IOMMU_IOAS_ALLOC',
      ret: 0,
      errno: 0,
      out: { out_ioas_id: '1' },
    });
    expect(g.sequences.get('a.json')?.errors.get(2)).toBe('nope');
  });
  it('keeps a sequence the guest died in as not ended, and ignores a torn line', () => {
    expect(g.sequences.get('a.json')?.ended).toBe(true);
    const b = g.sequences.get('b.json');
    expect(b?.ended).toBe(false);
    expect(b?.steps.get(0)?.errno).toBe(16);
    expect(b?.steps.has(1)).toBe(false);
    expect(g.done).toBe(false);
  });
  it('tags kernel lines with their step, and recognises the kernel monitors', () => {
    expect(g.sequences.get('a.json')?.kmsg[0]?.index).toBe(1);
    expect(isSplat('WARNING: CPU: 0 PID: 1 at drivers/iommu/iommufd/main.c:1 x')).toBe(true);
    expect(isSplat('BUG: KASAN: slab-use-after-free in iommufd_put_object')).toBe(true);
    expect(isSplat('vfio-pci 0000:00:01.0: enabling device (0000 -> 0002)')).toBe(false);
  });
});
