// Random schedules on every profile: the threaded model never throws (a model bug), never mutates its input,
// and its in-flight state always belongs to live threads; draining every thread leaves none behind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolve } from '../../../src/checker/resolve.ts';
import { topologyFor } from '../../../src/checker/scope.ts';
import { scheduleArb } from '../../../src/checker/threads/scheduleArb.ts';
import { type Semantics, semantics } from '../../../src/model/semantics.ts';
import { initialThreadedWorld, type ThreadedWorld } from '../../../src/model/threads/ThreadedWorld.ts';
import { enabledLanes, threadStep } from '../../../src/model/threads/threadStep.ts';
import { deepFreeze } from '../../helpers/deepFreeze.ts';

const topo = topologyFor('threaded');

function checkInFlight(tw: ThreadedWorld, where: string): void {
  const live = (lane: number) => tw.threads[lane] !== undefined;
  for (const [lock, lane] of Object.entries(tw.locks)) expect(live(lane as number), `${where}: ${lock}`).toBe(true);
  for (const r of tw.shortTerm) expect(live(r.lane), `${where}: short-term ref of lane ${r.lane}`).toBe(true);
  for (const u of tw.unfinalized) {
    expect(live(u.lane), `${where}: unfinalized ${u.id} of lane ${u.lane}`).toBe(true);
    expect(tw.world.ctxs[u.ctx]?.objects[u.id]?.serial, `${where}: unfinalized ${u.id} present`).toBe(u.serial);
  }
  for (const r of tw.shortTerm.filter((x) => x.counted))
    expect(tw.world.ctxs[r.ctx]?.objects[r.id]?.serial, `${where}: counted ref on a live object`).toBe(r.serial);
}

const withFlag = (profile: string, flag: string): Semantics => ({
  ...semantics(profile),
  name: `${profile}+${flag}`,
  variants: [flag] as unknown as Semantics['variants'],
});

const PROFILES: readonly Semantics[] = [
  ...['v6.2', 'v6.3', 'v6.6', 'latest', 'v6.6+cached-compat-id'].map((p) => semantics(p)),
  withFlag('latest', 'bug-destroy-takes-ref'),
  withFlag('latest', 'bug-put-object-uaf'),
  withFlag('v6.6', 'bug-auto-domain-early-unlock'),
];

describe('threaded model on random schedules', () => {
  for (const sem of PROFILES) {
    it(`keeps its in-flight state consistent and drains on ${sem.name}`, () => {
      fc.assert(
        fc.property(scheduleArb(40), (items) => {
          let tw: ThreadedWorld = deepFreeze(initialThreadedWorld(topo));
          items.forEach((item, i) => {
            const lanes = enabledLanes(tw, sem, topo);
            const lane = lanes[item.kind === 'advance' ? item.pick % Math.max(1, lanes.length) : 0];
            const out =
              item.kind === 'start'
                ? threadStep(tw, { kind: 'start', action: resolve(tw.world, item.template, topo) }, sem, topo)
                : lane === undefined
                  ? null
                  : threadStep(tw, { kind: 'advance', lane }, sem, topo);
            if (out === null) return;
            tw = deepFreeze(out.tw);
            checkInFlight(tw, `item ${i}`);
          });
          // Drain: run the enabled threads, lowest lane first, until none is left in flight.
          for (let n = 0; tw.threads.some((t) => t !== undefined); n++) {
            const lane = enabledLanes(tw, sem, topo)[0];
            expect(lane, 'a thread is in flight but none can run (deadlock)').toBeDefined();
            const out = threadStep(tw, { kind: 'advance', lane: lane as number }, sem, topo);
            if (out === null) throw new Error('an enabled lane refused to advance');
            tw = deepFreeze(out.tw);
            checkInFlight(tw, `drain ${n}`);
            expect(n).toBeLessThan(30);
          }
          expect({ ...tw, world: null }).toEqual({
            world: null,
            threads: [],
            locks: {},
            shortTerm: [],
            unfinalized: [],
          });
        }),
        { numRuns: 200, seed: 11 },
      );
    });
  }
});
