// A model error is a result, not an abort: an exception thrown during a run ends it as a violation whose message
// starts with MODEL_ERROR; the search shrinks it like any other and its counterexample throws again on replay.
import { describe, expect, it } from 'vitest';
import { isModelError, MODEL_ERROR } from '../../src/checker/modelError.ts';
import { runTrace } from '../../src/checker/runTrace.ts';
import { search } from '../../src/checker/search.ts';
import { semantics } from '../../src/model/semantics.ts';
import { HOLDS, type Property, stepMonitor } from '../../src/properties/Property.ts';

/** A property whose monitor throws on the first IOMMU_DESTROY: a stand-in for a model bug. */
const throwing = (scope: Property['scope']): Property => ({
  code: 'forged-throws',
  title: 'forged',
  claim: { quote: 'q', source: 's' },
  kind: 'step property',
  scope,
  expected: () => HOLDS,
  check: {
    kind: 'monitor',
    create: () =>
      stepMonitor((s) => {
        if (s.action.kind === 'IOMMU_DESTROY') throw new Error('boom at IOMMU_DESTROY');
        return null;
      }),
  },
});

describe('a model error', () => {
  it('ends the run as a violation, shrinks to the step that throws, and throws again on replay', () => {
    const sem = semantics('v6.12');
    const o = search(throwing('mixed'), sem, { runs: 200, maxSteps: 20, seed: 1 });
    expect(o.verdict).toBe('violated');
    if (o.verdict !== 'violated') return;
    const v = o.found.run.violation;
    expect(v?.message).toBe(`${MODEL_ERROR}boom at IOMMU_DESTROY`);
    expect(isModelError(v?.message)).toBe(true);
    const actions = o.found.run.actions;
    expect(actions.at(-1)?.kind).toBe('IOMMU_DESTROY');
    expect(actions.length).toBeLessThanOrEqual(2); // the destroy, and the open its template may bring first
    const again = runTrace(
      throwing('mixed'),
      { sem, topo: o.found.topology },
      { kind: 'actions', items: actions },
      true,
    );
    expect(again.violation).toEqual(v);
  });

  it('on the threaded search too', () => {
    const o = search(throwing('threaded'), semantics('v6.12'), { runs: 200, maxSteps: 20, seed: 1 });
    expect(o.verdict === 'violated' && isModelError(o.found.run.violation?.message)).toBe(true);
  });

  it('is told apart from an ordinary violation', () => {
    expect(isModelError('dev0 attached to IOAS 1')).toBe(false);
    expect(isModelError(null)).toBe(false);
  });
});
