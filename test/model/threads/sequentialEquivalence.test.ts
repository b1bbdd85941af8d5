// Differential test: with one thread, every ioctl run to completion before the next starts, the threaded model
// gives exactly the atomic model's results, events and worlds, and leaves no in-flight state behind.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolve } from '../../../src/checker/resolve.ts';
import { topologyFor } from '../../../src/checker/scope.ts';
import { templatesArb } from '../../../src/checker/template.ts';
import { formatResult } from '../../../src/model/result.ts';
import { semantics } from '../../../src/model/semantics.ts';
import { initialWorld } from '../../../src/model/state.ts';
import { step } from '../../../src/model/step.ts';
import { initialThreadedWorld, type ThreadedWorld } from '../../../src/model/threads/ThreadedWorld.ts';
import { threadStep } from '../../../src/model/threads/threadStep.ts';
import { deepFreeze } from '../../helpers/deepFreeze.ts';

// The atomic search's machine, with the no-IOMMU group: its (atomic) paths must agree too.
const topo = topologyFor('mixed');
const PROFILES = ['v6.2', 'v6.3', 'v6.6', 'latest', 'v6.6+cached-compat-id', 'v6.3+ioas-set-busy', 'v6.6+uapi-comment'];

describe('threaded model, one thread at a time', () => {
  for (const profile of PROFILES) {
    it(`equals the atomic model on ${profile}`, () => {
      const sem = semantics(profile);
      const windowed = new Map<string, number>();
      fc.assert(
        fc.property(templatesArb('mixed', 40), (templates) => {
          let w = deepFreeze(initialWorld(topo));
          let tw: ThreadedWorld = deepFreeze(initialThreadedWorld(topo));
          templates.forEach((t, i) => {
            const action = resolve(w, t, topo);
            const where = `step ${i} ${JSON.stringify(action)}`;
            const atomic = step(w, action, sem, topo);
            let out = threadStep(tw, { kind: 'start', action }, sem, topo);
            if (out === null) throw new Error(`${where}: start not enabled with no other thread`);
            const events = [...out.events];
            let n = 1;
            while (!out.finished) {
              out = threadStep(out.tw, { kind: 'advance', lane: out.lane }, sem, topo);
              if (out === null) throw new Error(`${where}: thread blocked with no other thread`);
              events.push(...out.events);
              if (++n > 10) throw new Error(`${where}: more than 10 steps`);
            }
            if (n > 1) windowed.set(action.kind, (windowed.get(action.kind) ?? 0) + 1);
            expect(formatResult(out.result), where).toBe(formatResult(atomic.result));
            expect(events, where).toEqual(atomic.events);
            expect(out.tw.world, where).toEqual(atomic.world);
            expect(out.threadEvents, where).toEqual([]);
            expect({ ...out.tw, world: null }, where).toEqual({
              world: null,
              threads: [],
              locks: {},
              shortTerm: [],
              unfinalized: [],
            });
            w = deepFreeze(atomic.world);
            tw = deepFreeze(out.tw);
          });
        }),
        { numRuns: 300, seed: 7 },
      );
      // The comparison is only worth something if the programs with windows ran, each many times.
      for (const k of ['VFIO_GROUP_GET_DEVICE_FD', 'IOMMU_IOAS_ALLOC', 'IOMMU_VFIO_IOAS'])
        expect(windowed.get(k) ?? 0, k).toBeGreaterThan(20);
      if (sem.version === 'v6.2' || sem.version === 'v6.3')
        expect(windowed.get('IOMMU_DESTROY') ?? 0, 'IOMMU_DESTROY').toBeGreaterThan(20);
    });
  }
});
