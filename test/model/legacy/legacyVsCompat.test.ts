// The legacy container model on the minimal distinguishing traces of legacy-vfio.md section 4 (T1-T11):
// each must give the legacy result on the legacy model and the compat result on iommufd.
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/model/actions.ts';
import { VFIO_EXT } from '../../../src/model/actions.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../../../src/model/ids.ts';
import { initialLegacyWorld } from '../../../src/model/legacy/state.ts';
import { legacyStep } from '../../../src/model/legacy/step.ts';
import { formatResult } from '../../../src/model/result.ts';
import { semantics } from '../../../src/model/semantics.ts';
import { initialWorld } from '../../../src/model/state.ts';
import { step } from '../../../src/model/step.ts';
import { DEFAULT_TOPOLOGY, withActors } from '../../../src/model/topology.ts';

const topo = withActors(DEFAULT_TOPOLOGY, [{ name: 'qemu', kind: 'legacy' }]);
const A = actorId(0);
const P = 4096;
const C = fd(3);
const G = fd(4);
const open: Action = { kind: 'open', actor: A, path: '/dev/vfio/vfio' };
const openG: Action = { kind: 'open_group', actor: A, group: groupIdx(0) };
const setC: Action = { kind: 'VFIO_GROUP_SET_CONTAINER', actor: A, fd: G, container_fd: C, fault: null };
const setIommu = (type: number): Action => ({ kind: 'VFIO_SET_IOMMU', actor: A, fd: C, type });
const map = (iova: number, size: number): Action => ({
  kind: 'VFIO_IOMMU_MAP_DMA',
  actor: A,
  fd: C,
  argsz: 32,
  flags: 3,
  iova,
  size,
});
const unmap = (iova: number, size: number): Action => ({
  kind: 'VFIO_IOMMU_UNMAP_DMA',
  actor: A,
  fd: C,
  argsz: 24,
  flags: 0,
  iova,
  size,
});
const getDev: Action = { kind: 'VFIO_GROUP_GET_DEVICE_FD', actor: A, fd: G, device: deviceIdx(0), fault: null };

function both(trace: readonly Action[], profile = 'v6.6'): { legacy: string; compat: string } {
  const sem = semantics(profile);
  let w = initialWorld(topo);
  let lw = initialLegacyWorld(topo);
  let last = { legacy: '', compat: '' };
  for (const a of trace) {
    const c = step(w, a, sem, topo);
    const l = legacyStep(lw, a, sem.version, topo);
    w = c.world;
    lw = l.world;
    last = { legacy: formatResult(l.result), compat: formatResult(c.result) };
  }
  return last;
}

const prefix = [open, openG, setC];

describe('legacy container vs compat (legacy-vfio.md T1-T11)', () => {
  it.each([
    ['T1 MAP before SET_IOMMU', [...prefix, map(0, P)], 'EINVAL', '0'],
    ['T2 second SET_IOMMU', [...prefix, setIommu(3), setIommu(3)], 'EINVAL', '0'],
    [
      'T3 DMA_CC with no group',
      [open, { kind: 'VFIO_CHECK_EXTENSION', actor: A, fd: C, ext: VFIO_EXT.VFIO_DMA_CC_IOMMU } as Action],
      '0',
      'ENODEV',
    ],
    ['T4 GET_DEVICE_FD before SET_IOMMU', [...prefix, getDev], 'EINVAL', '5'],
    [
      'T5 UNSET_CONTAINER with a device open',
      [...prefix, setIommu(3), getDev, { kind: 'VFIO_GROUP_UNSET_CONTAINER', actor: A, fd: G } as Action],
      'EBUSY',
      '0',
    ],
    [
      'T6 MAP after the last group left',
      [...prefix, setIommu(3), { kind: 'VFIO_GROUP_UNSET_CONTAINER', actor: A, fd: G } as Action, map(0, P)],
      'EINVAL',
      '0',
    ],
    [
      'T8 v2 unmap inside a mapping',
      [...prefix, setIommu(3), map(0, 2 * P), unmap(0, P)],
      'EINVAL',
      'ENOENT {size: 0}',
    ],
    [
      'T9 v2 unmap covering one mapping and half of the next',
      [...prefix, setIommu(3), map(0, P), map(P, 2 * P), unmap(0, 2 * P)],
      'EINVAL',
      'ENOENT {size: 4096}',
    ],
    [
      'T10 v1 unmap in the middle',
      [...prefix, setIommu(1), map(0, 2 * P), unmap(P, P)],
      '0 {size: 0}',
      '0 {size: 4096}',
    ],
    ['T11 SET_IOMMU with no group', [open, setIommu(3)], 'EINVAL', 'ENODEV'],
  ] as const)('%s', (_, trace, legacy, compat) => {
    expect(both(trace)).toEqual({ legacy, compat });
  });

  it('T7 (B12): an empty-range unmap is ENOENT on v6.6, as type1 on latest', () => {
    const t = [...prefix, setIommu(3), map(0, P), unmap(0, P), unmap(0, P)];
    expect(both(t, 'v6.6')).toEqual({ legacy: '0 {size: 0}', compat: 'ENOENT {size: 0}' });
    expect(both(t, 'latest')).toEqual({ legacy: '0 {size: 0}', compat: '0 {size: 0}' });
  });

  it('agree on a QEMU-shaped sequence', () => {
    const t = [
      open,
      { kind: 'VFIO_CHECK_EXTENSION', actor: A, fd: C, ext: 3 } as Action,
      openG,
      setC,
      setIommu(3),
      map(0, P),
      map(P, P),
      getDev,
      unmap(0, P),
    ];
    const r = both(t, 'latest');
    expect(r.legacy).toBe(r.compat);
  });
});
