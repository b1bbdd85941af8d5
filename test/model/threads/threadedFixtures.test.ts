// Hand-written interleavings: each threaded property fails on one and holds on another, and the windows the
// model claims (ABA through a reused id, B6's put/destroy race, v6.2-v6.4's waiting destroy) behave as the
// kernel code does.
import { describe, expect, it } from 'vitest';
import { topologyFor } from '../../../src/checker/scope.ts';
import { runThreaded } from '../../../src/checker/threads/runThreaded.ts';
import type { Action } from '../../../src/model/actions.ts';
import { actorId, deviceIdx, fd, groupIdx } from '../../../src/model/ids.ts';
import { formatResult } from '../../../src/model/result.ts';
import { type Semantics, semantics } from '../../../src/model/semantics.ts';
import type { ThreadedWorld } from '../../../src/model/threads/ThreadedWorld.ts';
import type { Property } from '../../../src/properties/Property.ts';
import { propertyByCode } from '../../../src/properties/registry.ts';

const topo = topologyFor('threaded');
const qemu = actorId(0);
const tool = actorId(1);

/** qemu: /dev/vfio/vfio (fd 3, tool's fd 3 too), g0 (fd 4), SET_CONTAINER: IOAS 1 is the compat IOAS. */
const SETUP: readonly Action[] = [
  { kind: 'open', actor: qemu, path: '/dev/vfio/vfio' },
  { kind: 'open_group', actor: qemu, group: groupIdx(0) },
  { kind: 'pass_fd', actor: qemu, fd: fd(3), to: tool },
  { kind: 'VFIO_GROUP_SET_CONTAINER', actor: qemu, fd: fd(4), container_fd: fd(3), fault: null },
];
const OPEN: Action = { kind: 'VFIO_GROUP_GET_DEVICE_FD', actor: qemu, fd: fd(4), device: deviceIdx(0), fault: null };
const DESTROY_1: Action = { kind: 'IOMMU_DESTROY', actor: tool, fd: fd(3), id: 1 };
const ALLOC: Action = { kind: 'IOMMU_IOAS_ALLOC', actor: tool, fd: fd(3), flags: 0, fault: null };
const SET_2: Action = { kind: 'IOMMU_VFIO_IOAS', actor: tool, fd: fd(3), op: 1, ioas_id: 2, reserved: 0 };
const DESTROY_2: Action = { kind: 'IOMMU_DESTROY', actor: tool, fd: fd(3), id: 2 };

/** Each entry is one step; an action equal to an in-flight one advances that thread (see inferCommand). */
function run(code: string, profile: string | Semantics, steps: readonly Action[]) {
  const p = propertyByCode(code) as Property;
  const sem = typeof profile === 'string' ? semantics(profile) : profile;
  const r = runThreaded(p, { sem, topo }, { kind: 'actions', items: steps }, true);
  return { ...r, results: r.records.map((x) => formatResult(x.result)) };
}

/** The steps of a first open run to its fd: bind, (v6.2) allocate + decide, lookup, attach, (v6.2/v6.3) finalize. */
const openStepsToFd = (sem: Semantics): number =>
  (sem.compatCreateAtOpen ? 5 : 4) + (sem.version === 'v6.2' || sem.version === 'v6.3' ? 1 : 0);

/** The open pauses after its compat id lookup; another thread destroys IOAS 1 and allocates a new IOAS 1. */
function aba(profile: string): readonly Action[] {
  const destroySteps = semantics(profile).version === 'v6.2' || semantics(profile).version === 'v6.3' ? 2 : 1;
  const openToId = semantics(profile).compatCreateAtOpen ? 3 : 2; // v6.2: bind, allocate, decide
  return [
    ...SETUP,
    ...Array<Action>(openToId).fill(OPEN),
    ...Array<Action>(destroySteps).fill(DESTROY_1),
    ALLOC,
    ALLOC,
    OPEN,
    OPEN,
  ];
}

describe('open-atomicity', () => {
  for (const profile of ['v6.2', 'v6.3', 'v6.6', 'latest']) {
    it(`fails on ${profile} when the compat IOAS id is destroyed and reused inside the open`, () => {
      const r = run('open-atomicity', profile, aba(profile));
      expect(r.violation?.message).toMatch(/dev0 attached to IOAS 1 \(object #3\) \(thread 0\)/);
      const earlyUnlock = semantics(profile).version === 'v6.2' || semantics(profile).version === 'v6.3';
      expect(r.lanes.at(-1)?.label).toBe(earlyUnlock ? 'HWPT 3 listed, mutex dropped, not finalized' : 'attached to 1');
      expect(r.results.filter((x) => x === '0 {out_ioas_id: 1}')).toHaveLength(1);
    });

    it(`holds on ${profile} when the destroy and the allocation come after the open`, () => {
      const sem = semantics(profile);
      // bind, [allocate, decide | compat id], lookup, attach, [finalize the auto HWPT: B4 on v6.2-v6.5]
      const steps = openStepsToFd(sem);
      const open = Array<Action>(steps).fill(OPEN);
      const r = run('open-atomicity', profile, [...SETUP, ...open, DESTROY_1, DESTROY_1, ALLOC, ALLOC]);
      expect(r.violation).toBeNull();
      expect(r.results.slice(SETUP.length, SETUP.length + open.length).at(-1)).toBe('5');
    });
  }

  it('on v6.6 a destroy of the IOAS while the open holds its lookup reference gets EBUSY', () => {
    const r = run('open-atomicity', 'v6.6', [...SETUP, OPEN, OPEN, OPEN, DESTROY_1, OPEN]);
    expect(r.results.slice(SETUP.length)).toEqual([
      'not modelled (in flight on thread 0: bound)',
      'not modelled (in flight on thread 0: compat id 1 (reference dropped))',
      'not modelled (in flight on thread 0: IOAS 1 looked up (object #1))',
      'EBUSY',
      '5',
    ]);
    expect(r.violation).toBeNull();
  });
});

/** tool allocates IOAS 2, SETs it (lookup, set, put) while another thread destroys it after the put's
 * refcount_dec. */
const B6: readonly Action[] = [...SETUP, ALLOC, ALLOC, SET_2, SET_2, SET_2, DESTROY_2, DESTROY_2, SET_2];

describe('no-use-after-free', () => {
  it('fails on v6.6: DESTROY frees the IOAS between the put’s refcount_dec and up_read (syzbot B6)', () => {
    const r = run('no-use-after-free', 'v6.6', B6);
    expect(r.violation?.message).toBe(
      'thread 0 touched object 2 (object #2) in iommufd_put_object: up_read(&obj->destroy_rwsem) after it was freed',
    );
    expect(r.results.slice(SETUP.length + 2)).toEqual([
      'not modelled (in flight on thread 0: IOAS 2 referenced)',
      'not modelled (in flight on thread 0: vfio_ioas := 2)',
      'not modelled (in flight on thread 0: users of 2 decremented)',
      '0',
      'ENOENT',
      '0',
    ]);
  });

  it('holds on latest: the put is one step, so DESTROY sees the reference and gets EBUSY, or runs after', () => {
    const r = run('no-use-after-free', 'latest', [...SETUP, ALLOC, ALLOC, SET_2, SET_2, DESTROY_2, SET_2, DESTROY_2]);
    expect(r.violation).toBeNull();
    expect(r.results.slice(SETUP.length + 2)).toEqual([
      'not modelled (in flight on thread 0: IOAS 2 referenced)',
      'not modelled (in flight on thread 0: vfio_ioas := 2)',
      'EBUSY',
      '0',
      '0',
    ]);
  });

  it('holds on v6.2: DESTROY keeps a users count and waits in down_write until SET has put its reference', () => {
    const steps = [...SETUP, ALLOC, ALLOC, SET_2, SET_2, DESTROY_2, DESTROY_2, SET_2, DESTROY_2];
    const r = run('no-use-after-free', 'v6.2', steps);
    expect(r.violation).toBeNull();
    expect(r.results.slice(SETUP.length + 2)).toEqual([
      'not modelled (in flight on thread 0: IOAS 2 referenced)',
      'not modelled (in flight on thread 0: vfio_ioas := 2)',
      'not modelled (in flight on thread 1: IOAS 2 referenced (users + 1))',
      'not modelled (in flight on thread 1: waits for in-flight holders of 2)',
      '0',
      '0',
    ]);
    expect(r.lanes.at(-1)?.lane).toBe(1);
  });
});

/** A profile with a threaded-model bug flag that parseSemantics() does not know yet (see threadSemantics.ts). */
const withFlag = (profile: string, flag: string): Semantics => ({
  ...semantics(profile),
  name: `${profile}+${flag}`,
  variants: [flag] as unknown as Semantics['variants'],
});

describe('threaded bug flags', () => {
  it('+bug-put-object-uaf brings B6 to latest', () => {
    const r = run('no-use-after-free', withFlag('latest', 'bug-put-object-uaf'), B6);
    expect(r.violation?.message).toMatch(/after it was freed/);
  });

  it('+bug-destroy-takes-ref brings the waiting destroy (B5) to latest, which also closes the B6 window', () => {
    const sem = withFlag('latest', 'bug-destroy-takes-ref');
    const r = run('no-use-after-free', sem, [
      ...SETUP,
      ALLOC,
      ALLOC,
      SET_2,
      SET_2,
      DESTROY_2,
      DESTROY_2,
      SET_2,
      DESTROY_2,
    ]);
    expect(r.violation).toBeNull();
    expect(r.results.at(-3)).toBe('not modelled (in flight on thread 1: waits for in-flight holders of 2)');
  });
});

/** g0 (fd 4) and g1 (fd 5) share qemu's iommufd, so dev0 and dev1 both auto-attach to compat IOAS 1. */
const TWO_GROUPS: readonly Action[] = [
  { kind: 'open', actor: qemu, path: '/dev/vfio/vfio' },
  { kind: 'open_group', actor: qemu, group: groupIdx(0) },
  { kind: 'open_group', actor: qemu, group: groupIdx(1) },
  { kind: 'VFIO_GROUP_SET_CONTAINER', actor: qemu, fd: fd(4), container_fd: fd(3), fault: null },
  { kind: 'VFIO_GROUP_SET_CONTAINER', actor: qemu, fd: fd(5), container_fd: fd(3), fault: null },
];
const OPEN_DEV1: Action = {
  kind: 'VFIO_GROUP_GET_DEVICE_FD',
  actor: qemu,
  fd: fd(5),
  device: deviceIdx(1),
  fault: null,
};

describe('no-unfinalized-ref (B4)', () => {
  // dev0's open stops after its attach (v6.3: bind, compat id, lookup, attach); dev1's open runs meanwhile.
  const B4: readonly Action[] = [...TWO_GROUPS, OPEN, OPEN, OPEN, OPEN, OPEN_DEV1, OPEN_DEV1, OPEN_DEV1, OPEN_DEV1];

  it('fails on v6.3: a second open auto-attaches to the HWPT the first listed but has not finalized', () => {
    const r = run('no-unfinalized-ref', 'v6.3', B4);
    expect(r.violation?.message).toBe(
      'thread 1 attached a device to HWPT_PAGING 3, which thread 0 has not finalized (ioas->mutex dropped before iommufd_object_finalize())',
    );
  });

  it('holds on v6.6: the auto HWPT is allocated, listed and finalized under ioas->mutex', () => {
    const r = run('no-unfinalized-ref', 'v6.6', [
      ...TWO_GROUPS,
      OPEN,
      OPEN,
      OPEN,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN_DEV1,
    ]);
    expect(r.violation).toBeNull();
    expect(r.results.at(-1)).toBe('6');
  });

  it('+bug-auto-domain-early-unlock brings it to v6.6', () => {
    const sem = withFlag('v6.6', 'bug-auto-domain-early-unlock');
    const r = run('no-unfinalized-ref', sem, [
      ...TWO_GROUPS,
      OPEN,
      OPEN,
      OPEN,
      OPEN,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN_DEV1,
    ]);
    expect(r.violation?.message).toMatch(/has not finalized/);
  });
});

/** qemu opens dev0 (DEVICE 2, fd 5); tool's IOMMU_DESTROY of id 2 starts; qemu closes the device fd. */
function b5(profile: string | Semantics): readonly Action[] {
  const sem = typeof profile === 'string' ? semantics(profile) : profile;
  const openSteps = openStepsToFd(sem);
  const destroyDev: Action = { kind: 'IOMMU_DESTROY', actor: tool, fd: fd(3), id: 2 };
  const closeDev: Action = { kind: 'close', actor: qemu, fd: fd(5) };
  return [...SETUP, ...Array<Action>(openSteps).fill(OPEN), destroyDev, closeDev, destroyDev];
}

describe('kernel-destroy-succeeds', () => {
  const cases: readonly (readonly [string, string | Semantics])[] = [
    ['v6.2', 'v6.2'],
    ['v6.3', 'v6.3'],
    ['latest+bug-destroy-takes-ref', withFlag('latest', 'bug-destroy-takes-ref')],
  ];
  for (const [name, profile] of cases) {
    it(`fails on ${name}: a device close inside IOMMU_DESTROY's users-count window makes the unbind WARN (B5)`, () => {
      const r = run('kernel-destroy-succeeds', profile, b5(profile));
      expect(r.violation?.message).toBe(
        'thread 1: the kernel destroy failed (iommufd_device_unbind: object 2 has 2 users); the object leaks while a user IOMMU_DESTROY holds a users count',
      );
      // The run stops at the violating step (the close); the user destroy never finishes.
      expect(r.results.slice(-2)).toEqual([
        'not modelled (in flight on thread 0: DEVICE 2 referenced (users + 1))',
        '0',
      ]);
    });
  }

  for (const profile of ['v6.6', 'latest']) {
    it(`holds on ${profile}: the racing IOMMU_DESTROY gets EBUSY and the unbind destroys DEVICE 2`, () => {
      const r = run('kernel-destroy-succeeds', profile, b5(profile));
      expect(r.violation).toBeNull();
      expect(r.results.slice(-3)).toEqual(['EBUSY', '0', 'ENOENT']);
    });
  }
});

describe('a kernel destroy waits for short-term holders', () => {
  it('a failed open’s unbind waits while another thread holds its DEVICE object through iommufd_get_object()', () => {
    // Under +uapi-comment both groups keep compat id 1; once IOAS 1 is destroyed, dev0's DEVICE object reuses
    // id 1 and dev1's open looks it up as its pt_id (a short-term reference). dev0's open then fails (EINVAL: id 1
    // is not an IOAS or HWPT) and its unbind must wait for dev1's put (down_write(destroy_rwsem) /
    // shortterm_users), not WARN: only B5's users count escapes that wait.
    const sem = semantics('latest+uapi-comment');
    const steps: Action[] = [
      ...TWO_GROUPS,
      { kind: 'pass_fd', actor: qemu, fd: fd(3), to: tool },
      DESTROY_1,
      OPEN,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN,
      OPEN,
      OPEN,
      OPEN,
      OPEN_DEV1,
      OPEN_DEV1,
      OPEN,
    ];
    const r = run('kernel-destroy-succeeds', sem, steps);
    expect(r.violation).toBeNull();
    expect(r.results.slice(-11)).toEqual([
      'not modelled (in flight on thread 0: bound)',
      'not modelled (in flight on thread 1: bound)',
      'not modelled (in flight on thread 1: cached compat id 1)',
      'not modelled (in flight on thread 1: DEVICE 1 looked up (object #2))',
      'not modelled (in flight on thread 0: cached compat id 1)',
      'not modelled (in flight on thread 0: DEVICE 1 looked up (object #2))',
      'not modelled (in flight on thread 0: attach to 1 failed (EINVAL), reference put)',
      'not modelled (not enabled: VFIO_GROUP_GET_DEVICE_FD)',
      'not modelled (in flight on thread 1: attach to 1 failed (EINVAL), reference put)',
      'EINVAL',
      'EINVAL',
    ]);
  });
});

describe('no-deadlock', () => {
  // v6.2: SET holds IOAS 2 (short-term), DESTROY of 2 sleeps in down_write() waiting for it.
  const steps = [...SETUP, ALLOC, ALLOC, SET_2, SET_2, DESTROY_2, DESTROY_2];
  const monitorStep = (tw: ThreadedWorld) => {
    const p = propertyByCode('no-deadlock') as Property;
    if (p.check.kind !== 'monitor') throw new Error('no-deadlock is a monitor');
    const sem = semantics('v6.2');
    const m = p.check.create({ sem, topo });
    const w = tw.world;
    return m.step({
      index: 0,
      before: w,
      action: DESTROY_2,
      result: formatless,
      after: w,
      events: [],
      threaded: tw,
    } as never);
  };
  const formatless = { kind: 'ok', ret: 0, out: {} } as const;

  it('holds while the destroy waits for a holder that is still running', () => {
    const r = run('no-deadlock', 'v6.2', steps);
    expect(r.violation).toBeNull();
    expect(r.results.at(-1)).toBe('not modelled (in flight on thread 1: waits for in-flight holders of 2)');
    expect(monitorStep(r.final)).toBeNull();
  });

  it('fails on a forged state where the holder is gone but its short-term reference stays', () => {
    const r = run('no-deadlock', 'v6.2', steps);
    const forged: ThreadedWorld = { ...r.final, threads: r.final.threads.map((t, i) => (i === 0 ? undefined : t)) };
    expect(monitorStep(forged)).toBe('deadlock: every in-flight ioctl is blocked: thread 1 (IOMMU_DESTROY)');
  });
});
