// Malformed scenarios are rejected with one message naming the field and the problem.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';

const base = {
  name: 't',
  source: 'test',
  semantics: ['latest'],
  steps: [{ op: 'open', args: { path: '/dev/iommu' }, as: 'F', expect: { ret: 0 } }],
};
const withStep = (step: unknown) => JSON.stringify({ ...base, steps: [...base.steps, step] });
const error = (text: string) => {
  const r = parseScenario(text);
  return r.ok ? 'ok' : r.error;
};

describe('parseScenario', () => {
  it.each([
    [withStep({ op: 'IOMMU_FROB' }), 'steps[1].op: unknown op "IOMMU_FROB"'],
    [
      withStep({ op: 'IOMMU_DESTROY', args: { idd: 1 } }),
      'steps[1].args.idd: IOMMU_DESTROY has no field "idd" (fields: id, size, trailing)',
    ],
    [
      withStep({ op: 'IOMMU_IOAS_MAP', args: { flags: 'READ|WRITE' } }),
      'steps[1].args.flags: unknown constant "READ" (known: FIXED_IOVA, WRITEABLE, READABLE, with or without IOMMU_IOAS_MAP_)',
    ],
    [withStep({ op: 'IOMMU_DESTROY', expect: { errno: 'ENOPE' } }), 'steps[1].expect.errno: unknown errno "ENOPE"'],
    [
      withStep({ op: 'IOMMU_DESTROY', expect: { ret: 0, errno: 'ENOENT' } }),
      'steps[1].expect: give either ret or errno, not both',
    ],
    [withStep({ op: 'IOMMU_DESTROY', expect: {} }), 'steps[1].expect: expected ret or errno'],
    [withStep({ op: 'IOMMU_DESTROY', args: { id: -1 } }), 'steps[1].args.id: expected a non-negative integer, got -1'],
    [
      withStep({ op: 'IOMMU_DESTROY', args: { trailing: [256] } }),
      'steps[1].args.trailing: expected an array of byte values (0-255)',
    ],
    [
      withStep({ op: 'open', args: { path: '/dev/iommu', group: 'g0' } }),
      'steps[1].args: open takes exactly one of path, group, device',
    ],
    [withStep({ op: 'close' }), 'steps[1].fd: close needs the fd to close'],
    [
      withStep({ op: 'IOMMU_DESTROY', extra: 1 }),
      'steps[1].extra: unknown field (expected one of op, fd, args, as, actor, expect, by_version, note)',
    ],
    [
      withStep({ op: 'IOMMU_DESTROY', expect: { ret: 0, by_version: { 'v9.9': { ret: 0 } } } }),
      'steps[1].expect.by_version.v9.9: unknown profile',
    ],
    [JSON.stringify({ ...base, semantics: ['v6.6', 'v7'] }), 'semantics[1]: unknown profile "v7"'],
    [JSON.stringify({ ...base, steps: [] }), 'steps: expected a non-empty array'],
    [JSON.stringify({ ...base, name: '' }), 'name: expected a non-empty string'],
    [JSON.stringify({ ...base, topology: { groups: 3 } }), 'topology.groups: expected an array'],
    ['{ nope', 'not JSON'],
  ])('%s -> %s', (text, msg) => {
    expect(error(text)).toContain(msg);
  });

  it('resolves constants per field: full names, short names, flags, UINT64_MAX', () => {
    const r = parseScenario(
      JSON.stringify({
        ...base,
        steps: [
          ...base.steps,
          { op: 'IOMMU_VFIO_IOAS', args: { op: 'IOMMU_VFIO_IOAS_GET' } },
          { op: 'IOMMU_OPTION', args: { op: 'GET', option_id: 'IOMMU_OPTION_HUGE_PAGES' } },
          { op: 'VFIO_IOMMU_MAP_DMA', args: { flags: 'VFIO_DMA_MAP_FLAG_READ|WRITE' } },
          { op: 'IOMMU_IOAS_UNMAP', args: { length: 'UINT64_MAX', iova: '18446744073709547520' } },
        ],
      }),
    );
    if (!r.ok) throw new Error(r.error);
    const arg = (i: number, f: string) => r.value.steps[i]?.args[f];
    expect(arg(1, 'op')).toEqual({ kind: 'num', value: 0 });
    expect(arg(2, 'op')).toEqual({ kind: 'num', value: 1 });
    expect(arg(2, 'option_id')).toEqual({ kind: 'num', value: 1 });
    expect(arg(3, 'flags')).toEqual({ kind: 'num', value: 3 });
    expect(arg(4, 'length')).toEqual({ kind: 'num', value: 2 ** 64 });
  });
});

describe('parseScenario name checks', () => {
  it.each([
    [withStep({ op: 'close', fd: 'G' }), 'steps[1].fd: no fd named "G" before this step (fds are named with "as")'],
    [withStep({ op: 'open', args: { group: 'g7' } }), 'steps[1].args.group: no group named "g7" (known: g0, g1, g2)'],
    [withStep({ op: 'IOMMU_DESTROY', actor: 'qemu' }), 'steps[1].actor: no actor "qemu" (actors: app)'],
    [
      withStep({ op: 'VFIO_GROUP_SET_CONTAINER', fd: 'F', args: { container_fd: 'C' } }),
      'steps[1].args.container_fd: no fd named "C" (known: F)',
    ],
  ])('%s -> %s', (text, msg) => {
    expect(error(text)).toContain(msg);
  });
});
