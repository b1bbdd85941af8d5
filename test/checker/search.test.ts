// The random search: same seed, same counterexample (byte for byte); a shrunk counterexample fails again and
// is no longer than the first failure found.
import { describe, expect, it } from 'vitest';
import { buildCounterexample } from '../../src/checker/counterexample.ts';
import { search } from '../../src/checker/search.ts';
import { semantics } from '../../src/model/semantics.ts';
import type { Property } from '../../src/properties/Property.ts';
import { propertyByCode } from '../../src/properties/registry.ts';

const opts = { runs: 2000, maxSteps: 60, seed: 42 };

function counterexampleText(code: string, profile: string): string {
  const p = propertyByCode(code) as Property;
  const sem = semantics(profile);
  const o = search(p, sem, opts, () => 0);
  if (o.verdict !== 'violated' || o.found.run.violation === null) throw new Error(`${code} not violated on ${profile}`);
  const cx = buildCounterexample({
    property: p,
    semanticsName: sem.name,
    expectation: p.expected(sem),
    options: opts,
    derivedSeed: o.found.seed,
    path: o.found.path,
    shrinks: o.found.numShrinks,
    topology: o.found.topology,
    records: o.found.run.records,
    violation: o.found.run.violation,
    fileStem: `${code}--${profile}`,
  });
  return JSON.stringify(cx, null, 2);
}

describe('search', () => {
  it('is reproducible: the same seed gives the same counterexample bytes', () => {
    expect(counterexampleText('no-kernel-warn', 'v6.3')).toBe(counterexampleText('no-kernel-warn', 'v6.3'));
  });

  it('shrinks the L1 leak to the four steps that matter', () => {
    const cx = JSON.parse(counterexampleText('close-all-leaves-nothing', 'v6.3'));
    const ops = cx.steps.map((s: { action: { op: string } }) => s.action.op);
    expect([...ops].sort()).toEqual(['VFIO_GROUP_GET_DEVICE_FD', 'VFIO_GROUP_SET_CONTAINER', 'open', 'open_group']);
    expect(ops.slice(2)).toEqual(['VFIO_GROUP_SET_CONTAINER', 'VFIO_GROUP_GET_DEVICE_FD']);
  });

  it('finds nothing where the property holds', () => {
    const o = search(propertyByCode('vfio-ioas-live') as Property, semantics('latest'), { ...opts, runs: 300 });
    expect(o.verdict).toBe('holds');
    expect(o.runs).toBe(300);
  });
});
