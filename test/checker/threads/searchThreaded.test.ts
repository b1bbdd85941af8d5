// The threaded search: it finds and shrinks the ABA interleaving, is reproducible, and its counterexamples
// replay through the ordinary counterexample file format.
import { describe, expect, it } from 'vitest';
import { buildCounterexample, type Counterexample } from '../../../src/checker/counterexample.ts';
import { loadCounterexample } from '../../../src/checker/loadCounterexample.ts';
import { replayCounterexample } from '../../../src/checker/replay.ts';
import { search } from '../../../src/checker/search.ts';
import { laneTable } from '../../../src/checker/threads/laneTable.ts';
import { runThreaded } from '../../../src/checker/threads/runThreaded.ts';
import { withLanes } from '../../../src/checker/threads/withLanes.ts';
import { semantics } from '../../../src/model/semantics.ts';
import type { Property } from '../../../src/properties/Property.ts';
import { propertyByCode } from '../../../src/properties/registry.ts';
import { counterexampleMarkdown } from '../../../src/report/counterexampleMarkdown.ts';

const opts = { runs: 4000, maxSteps: 60, seed: 42 };

function found(code: string, profile: string): Counterexample {
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
  return withLanes(cx, o.found.run);
}

describe('threaded search', () => {
  const cx = found('open-atomicity', 'v6.6');
  const ops = cx.steps.map((s) => s.action.op);
  const lanes = cx.steps.map((s) => (s.action as unknown as { thread: number }).thread);

  it('finds the ABA on v6.6 and shrinks it: destroy and allocate on one thread inside the open on another', () => {
    expect(cx.steps.length).toBeLessThanOrEqual(12);
    const openLane = lanes[ops.indexOf('VFIO_GROUP_GET_DEVICE_FD')];
    const idStep = cx.steps.findIndex(
      (s) => s.action.op === 'VFIO_GROUP_GET_DEVICE_FD' && /compat id/.test(JSON.stringify(s.result)),
    );
    const destroy = ops.indexOf('IOMMU_DESTROY');
    const alloc = ops.lastIndexOf('IOMMU_IOAS_ALLOC');
    expect(idStep).toBeGreaterThan(0);
    expect(destroy).toBeGreaterThan(idStep);
    expect(alloc).toBeGreaterThan(destroy);
    expect(lanes[destroy]).not.toBe(openLane);
    expect(cx.violation.step).toBe(cx.steps.length - 1);
    expect(ops.at(-1)).toBe('VFIO_GROUP_GET_DEVICE_FD');
  });

  it('is reproducible: the same seed gives the same counterexample bytes', () => {
    expect(JSON.stringify(found('open-atomicity', 'v6.6'))).toBe(JSON.stringify(cx));
  });

  it('saves a file that replays (lanes inferred from the actions match the saved ones)', () => {
    const loaded = loadCounterexample(JSON.stringify(cx));
    if (!loaded.ok) throw new Error(loaded.error);
    expect(replayCounterexample(loaded.value).kind).toBe('reproduced');
    const again = runThreaded(
      loaded.value.property,
      { sem: loaded.value.semantics, topo: loaded.value.topology },
      { kind: 'actions', items: loaded.value.actions },
      false,
    );
    expect(again.lanes.map((l) => l.lane)).toEqual(lanes);
  });

  it('reads as lanes: the Markdown names the thread of in-flight steps, the lane table puts each step in its column', () => {
    expect(counterexampleMarkdown(cx)).toMatch(/in flight on thread \d: compat id 1 \(reference dropped\)/);
    const table = laneTable(cx) ?? '';
    expect(table.split('\n')[0]).toMatch(/^\| step \| thread 0 \| thread 1 \|/);
    expect(table).toMatch(/qemu: VFIO_GROUP_GET_DEVICE_FD — compat id 1 \(reference dropped\)/);
    expect(table.split('\n')).toHaveLength(cx.steps.length + 2);
  });

  it('finds the B6 use after free on v6.6 and nothing on latest', () => {
    const uaf = found('no-use-after-free', 'v6.6');
    expect(uaf.violation.message).toMatch(/after it was freed/);
    const o = search(propertyByCode('no-use-after-free') as Property, semantics('latest'), { ...opts, runs: 500 });
    expect(o.verdict).toBe('holds');
  });
});
