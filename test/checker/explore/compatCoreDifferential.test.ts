// The packed compat-core against the obvious reference: same state after every step of random action sequences
// (on frozen inputs, so a mutating step throws), and the same reachable state count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compatCore, coreActions, coreLabel, coreStep } from '../../../bench/models/compat-core.ts';
import { EMPTY_STATE } from '../../../bench/models/compat-core-state.ts';
import { explore } from '../../../src/checker/explore/explore.ts';
import { coreView, REF_INITIAL, referenceModel, refStep, refView } from './compatCoreReference.ts';

describe('compat-core against the reference', () => {
  it('agrees on every step of random action sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { maxLength: 80, size: 'max' }),
        (limit, picks) => {
          const actions = coreActions(limit);
          let fast = EMPTY_STATE;
          let ref = REF_INITIAL;
          const done: string[] = [];
          for (const p of picks) {
            const a = actions[p % actions.length];
            if (a === undefined) throw new Error('cannot happen: index taken modulo the length');
            done.push(coreLabel(a));
            fast = coreStep(Object.freeze(fast), a, limit);
            ref = refStep(Object.freeze(ref), a, limit);
            expect(coreView(fast, limit), `objects ${limit}, after ${done.join(' ')}`).toEqual(refView(ref));
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('reaches as many states, as deep', () => {
    for (const limit of [3, 5]) {
      const ref = explore(referenceModel(limit), { fullStates: true });
      const fast = explore(compatCore(limit));
      expect({ states: fast.states, depth: fast.depth }).toEqual({ states: ref.states, depth: ref.depth });
    }
  });
});
