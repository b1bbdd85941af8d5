// The race engine without QEMU: a threaded counterexample collapsed into a race block, the model's outcomes of
// that block, and a guest's outcome lines classed against both. Real threads on a real kernel are the kernel
// tier's (test/kernel/).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabInputError } from '../../src/lab/loadFiles.ts';
import { planRace, race, raceBlock, raceProgram } from '../../src/lab/race.ts';
import { modelOutcomes } from '../../src/lab/raceModel.ts';
import type { GuestRunner } from '../../src/lab/replayOnKernel.ts';
import { FLAVOUR_CAPS } from '../../src/lab/setup.ts';
import { formatResult } from '../../src/model/result.ts';
import { semantics } from '../../src/model/semantics.ts';
import { FAKE_LAB } from './fakeGuest.ts';

const FILE = 'counterexamples/open-atomicity--v6.12.json';
const plan = planRace(FILE, readFileSync(FILE, 'utf8'), FLAVOUR_CAPS.debian);

describe('planRace', () => {
  it("collapses the interleaving's windows into ioctls: setup on the main thread, the overlap on two threads", () => {
    expect(plan.threads).toBe(2);
    expect(
      plan.ioctls.map((x) => `${x.where}${x.where === 'T' ? x.thread : ''} ${x.step.op} ${x.from}-${x.to}`),
    ).toEqual([
      'P open_group 0-0',
      'P open 1-1',
      'P pass_fd 2-2',
      'P VFIO_GROUP_SET_CONTAINER 3-3',
      'T0 VFIO_GROUP_GET_DEVICE_FD 4-10',
      'T1 IOMMU_DESTROY 6-6',
      'T1 IOMMU_IOAS_ALLOC 7-8',
    ]);
    expect(raceBlock(plan, 'r', 10, 5)).toBe(
      [
        'R r tries=10 jitter=5',
        'P 0 open group=g0 as=a0f3 fdret=1',
        'P 1 open path=/dev/iommu as=a0f4 fdret=1',
        'P 2 pass_fd fd=@a0f4 as=a1f3 fdret=1',
        'P 3 VFIO_GROUP_SET_CONTAINER fd=@a0f3 container_fd=@a0f4',
        'T0 4 VFIO_GROUP_GET_DEVICE_FD fd=@a0f3 device=dev0 as=a0f5 fdret=1',
        'T1 5 IOMMU_DESTROY fd=@a1f3 id=1',
        'T1 6 IOMMU_IOAS_ALLOC fd=@a1f3 flags=0',
        'E',
        '',
      ].join('\n'),
    );
    expect(raceBlock(plan, 'r', 10, 5, 1000).split('\n')[0]).toBe('R r tries=10 jitter=5 widen=1000');
  });

  it('refuses a counterexample that is not an interleaving', () => {
    const f = 'counterexamples/non-interference--v6.12.json';
    expect(() => planRace(f, readFileSync(f, 'utf8'), FLAVOUR_CAPS.debian)).toThrow(LabInputError);
  });
});

describe('modelOutcomes', () => {
  it('enumerates every way the threaded model can end the block, the recorded interleaving among them', () => {
    const { program, pos } = raceProgram(plan);
    const outs = modelOutcomes(program, semantics('v6.12'), plan.topology);
    const shown = outs.map((o) =>
      [4, 5, 6].map((i) => formatResult(o.results[pos[i] as number] ?? { kind: 'unmodelled', reason: '' })).join(' | '),
    );
    // The open wins (the destroy finds the IOAS in use), the destroy wins (no compat IOAS left: ENODEV), the ABA
    // (the open attaches to the new IOAS 1), and the half window (the id is gone when the attach looks it up).
    expect(new Set(shown)).toEqual(
      new Set([
        '5 | EBUSY | 0 {out_ioas_id: 4}',
        '5 | EBUSY | 0 {out_ioas_id: 3}',
        'ENOENT | 0 | 0 {out_ioas_id: 1}',
        '5 | 0 | 0 {out_ioas_id: 1}',
        'ENODEV | 0 | 0 {out_ioas_id: 1}',
        'ENODEV | 0 | 0 {out_ioas_id: 2}',
      ]),
    );
    expect(outs.every((o) => !o.deadlock)).toBe(true);
  });
});

/** A guest printing the executor's race output for given outcomes of the three racing ioctls. */
function raceGuest(outcomes: readonly { count: number; open: string; destroy: string; alloc: string }[]): GuestRunner {
  return (_lab, _boot, batch) => {
    const name = batch.split('\n')[0]?.split(' ')[1] ?? '';
    const lines = ['{"t":"hello","release":"6.12.0-fake"}'];
    const step = (seq: string, i: number, op: string, ans: string, out: Record<string, string> = {}) => {
      const fd = /^fd (\d+)$/.exec(ans);
      const ret = fd !== null ? Number(fd[1]) : /^E/.test(ans) ? -1 : Number(ans);
      const errno = ans === 'EBUSY' ? 16 : ans === 'ENODEV' ? 19 : ans === 'ENOENT' ? 2 : 0;
      lines.push(JSON.stringify({ t: 'step', seq, i, op, ret, errno, out }));
    };
    lines.push(JSON.stringify({ t: 'race', seq: name, tries: 0, threads: 2, jitter: 0, outcomes: outcomes.length }));
    outcomes.forEach((o, k) => {
      const seq = `${name}#${k}`;
      lines.push(JSON.stringify({ t: 'outcome', seq, race: name, k, count: o.count, first_try: k }));
      step(seq, 0, 'open_group', 'fd 6');
      step(seq, 1, 'open', 'fd 7');
      step(seq, 2, 'pass_fd', 'fd 8');
      step(seq, 3, 'VFIO_GROUP_SET_CONTAINER', '0');
      step(seq, 4, 'VFIO_GROUP_GET_DEVICE_FD', o.open);
      step(seq, 5, 'IOMMU_DESTROY', o.destroy);
      step(seq, 6, 'IOMMU_IOAS_ALLOC', '0', { out_ioas_id: o.alloc });
      lines.push(JSON.stringify({ t: 'end', seq }));
    });
    lines.push('{"t":"done","sequences":1}');
    return { output: `${lines.join('\n')}\n`, console: '', timedOut: false, elapsedMs: 1 };
  };
}

describe('race', () => {
  const opts = { tries: 1000, chunk: 500, jitter: 0, smp: 2, widenUs: 0, untilSeen: false };

  it('counts the recorded interleaving across batches and matches each outcome with the model', () => {
    const guest = raceGuest([
      { count: 480, open: 'fd 9', destroy: 'EBUSY', alloc: '4' },
      { count: 19, open: 'ENODEV', destroy: '0', alloc: '1' },
      { count: 1, open: 'fd 9', destroy: '0', alloc: '1' },
    ]);
    const r = race(FAKE_LAB, plan, opts, guest);
    expect(r.tries).toBe(1000);
    expect(r.seen).toBe(2);
    expect(r.firstSeenTry).toBe(2);
    expect(r.outcomes.map((o) => [o.count, o.reproduced, o.modelMatches.length > 0])).toEqual([
      [960, false, true],
      [38, false, true],
      [2, true, true],
    ]);
    expect(r.model.filter((m) => m.seen)).toHaveLength(3);
    expect(r.model).toHaveLength(6);
  });

  it('marks an outcome no schedule of the model gives: a disagreement', () => {
    // The open fails with EBUSY: the model has no schedule for it.
    const r = race(FAKE_LAB, plan, opts, raceGuest([{ count: 3, open: 'EBUSY', destroy: '0', alloc: '1' }]));
    expect(r.seen).toBe(0);
    expect(r.outcomes[0]?.modelMatches).toEqual([]);
  });

  it('stops at the first batch that saw it when asked', () => {
    const guest = raceGuest([{ count: 500, open: 'fd 9', destroy: '0', alloc: '1' }]);
    const r = race(FAKE_LAB, plan, { ...opts, tries: 5000, untilSeen: true }, guest);
    expect(r.tries).toBe(500);
    expect(r.seen).toBe(500);
  });
});
