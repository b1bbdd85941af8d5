import { describe, expect, it } from 'vitest';
import { actionLine, type EncodeContext, u64 } from '../../src/lab/encode.ts';
import { labSlots } from '../../src/lab/slots.ts';
import type { Action } from '../../src/model/actions.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../../src/model/ids.ts';
import { err, ok } from '../../src/model/result.ts';
import { DEFAULT_TOPOLOGY } from '../../src/model/topology.ts';

const slots = labSlots(DEFAULT_TOPOLOGY, new Set());
if (!slots.ok) throw new Error(slots.reason);
const ctx: EncodeContext = { slots: slots.slots, vfioPath: '/dev/iommu' };
const q = actorId(0);

describe('u64', () => {
  it('writes exact integers, saturates 2^64 and wraps negatives', () => {
    expect(u64(4096)).toBe('4096');
    expect(u64(2 ** 64)).toBe('18446744073709551615');
    expect(u64(-1)).toBe('18446744073709551615');
    expect(u64(2 ** 53 + 2)).toBe('9007199254740994');
  });
});

describe('actionLine', () => {
  it("maps the model's /dev/vfio/vfio to the lab's compat path and names the new fd after the model's", () => {
    const a: Action = { kind: 'open', actor: q, path: '/dev/vfio/vfio' };
    expect(actionLine(a, 0, ok(3), ctx)).toBe('0 open path=/dev/iommu as=a0f3');
    expect(actionLine({ kind: 'open', actor: q, path: '/dev/iommu' }, 1, ok(4), ctx)).toBe(
      '1 open path=/dev/iommu as=a0f4',
    );
  });
  it('gives a failed open a handle nothing else uses', () => {
    expect(actionLine({ kind: 'open_group', actor: q, group: groupIdx(1) }, 7, err('EBUSY'), ctx)).toBe(
      '7 open group=g1 as=x7',
    );
  });
  it('resolves devices to lab slots and fds to handles of their actor', () => {
    const a: Action = {
      kind: 'VFIO_GROUP_GET_DEVICE_FD',
      actor: actorId(1),
      fd: fd(4),
      device: deviceIdx(2),
      fault: null,
    };
    expect(actionLine(a, 3, ok(5), ctx)).toBe('3 VFIO_GROUP_GET_DEVICE_FD fd=@a1f4 device=dev2 as=a1f5');
    const s: Action = { kind: 'VFIO_GROUP_SET_CONTAINER', actor: q, fd: fd(4), container_fd: fd(3), fault: null };
    expect(actionLine(s, 2, ok(0), ctx)).toBe('2 VFIO_GROUP_SET_CONTAINER fd=@a0f4 container_fd=@a0f3');
  });
  it('writes the uAPI fields of each ioctl', () => {
    const m: Action = { kind: 'VFIO_IOMMU_UNMAP_DMA', actor: q, fd: fd(3), argsz: 24, flags: 2, iova: 0, size: 0 };
    expect(actionLine(m, 9, ok(0, { size: 0 }), ctx)).toBe(
      '9 VFIO_IOMMU_UNMAP_DMA fd=@a0f3 argsz=24 flags=2 iova=0 size=0',
    );
    const v: Action = { kind: 'IOMMU_VFIO_IOAS', actor: q, fd: fd(3), op: 1, ioas_id: 2, reserved: 0 };
    expect(actionLine(v, 1, ok(0), ctx)).toBe('1 IOMMU_VFIO_IOAS fd=@a0f3 op=1 ioas_id=2 __reserved=0');
    const p: Action = { kind: 'pass_fd', actor: q, fd: fd(3), to: actorId(1) };
    expect(actionLine(p, 4, ok(3), ctx)).toBe('4 pass_fd fd=@a0f3 as=a1f3');
  });
});
