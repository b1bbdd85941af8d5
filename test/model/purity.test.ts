// The reducer is pure: it never mutates its input (deep-frozen here), and the same input gives the same output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolve } from '../../src/checker/resolve.ts';
import { topologyFor } from '../../src/checker/scope.ts';
import { templatesArb } from '../../src/checker/template.ts';
import { KERNEL_VERSIONS, semantics } from '../../src/model/semantics.ts';
import { initialWorld } from '../../src/model/state.ts';
import { step } from '../../src/model/step.ts';
import { deepFreeze } from '../helpers/deepFreeze.ts';

describe('step()', () => {
  it.each(KERNEL_VERSIONS)('never mutates a frozen world and is deterministic (%s)', (v) => {
    const topo = topologyFor('mixed');
    const sem = semantics(v);
    fc.assert(
      fc.property(templatesArb('mixed', 40), (templates) => {
        let w = deepFreeze(initialWorld(topo));
        for (const t of templates) {
          const a = resolve(w, t, topo);
          const x = step(w, a, sem, topo);
          const y = step(w, a, sem, topo);
          expect(JSON.stringify(x)).toBe(JSON.stringify(y));
          w = deepFreeze(x.world);
        }
      }),
      { numRuns: 150, seed: 1 },
    );
  });
});
