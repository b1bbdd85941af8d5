import { describe, expect, it } from 'vitest';
import type { LabSequence, Planned } from '../../src/lab/labTypes.ts';
import { planFile } from '../../src/lab/loadFiles.ts';
import { replayOnKernel } from '../../src/lab/replayOnKernel.ts';
import { FLAVOUR_CAPS } from '../../src/lab/setup.ts';
import { FAKE_LAB, fakeGuest } from './fakeGuest.ts';

const FILES = [
  'scenarios/vfio-paths/group.set_redirects_next_open.json',
  'scenarios/vfio-paths/cdev.hwpt_alloc.json',
  'counterexamples/differences/latest/N3.json',
  'counterexamples/differences/latest/row14.json',
];
const planned: Planned[] = FILES.flatMap((f) => planFile(f, FLAVOUR_CAPS.debian));
const seqs: LabSequence[] = planned.flatMap((p) => (p.kind === 'run' ? [p.seq] : []));

describe('replayOnKernel', () => {
  it('runs every sequence once per boot kind and agrees with a guest that answers like the model', () => {
    const g = fakeGuest(seqs);
    const r = replayOnKernel(FAKE_LAB, planned, () => {}, g);
    expect(r.outcomes).toHaveLength(seqs.length);
    expect(r.outcomes.every((o) => o.match)).toBe(true);
    expect(new Set(g.boots)).toEqual(new Set(['iommu', 'mixed']));
    expect(r.release).toBe('6.12.0-fake');
  });
  it('reports the first disagreement with the model state and the step that differs', () => {
    const g = fakeGuest(seqs, {
      perturb: (seq, i, line) => (seq === FILES[0] && i === 10 ? line.replace('"errno":16', '"errno":22') : line),
    });
    const r = replayOnKernel(FAKE_LAB, planned, () => {}, g);
    const o = r.outcomes.find((x) => x.file === FILES[0]);
    expect(o?.match).toBe(false);
    expect(o?.first?.index).toBe(10);
    expect(o?.first?.model).toBe('EBUSY');
    expect(o?.first?.kernel).toBe('EINVAL');
    expect(o?.first?.modelBefore).not.toBeNull();
    expect(r.outcomes.filter((x) => !x.match)).toHaveLength(1);
  });
  it('makes a guest that dies inside a sequence a finding for that file and boots again for the rest', () => {
    const g = fakeGuest(seqs, { dieAfterSteps: 5 });
    const r = replayOnKernel(FAKE_LAB, planned, () => {}, g);
    const dead = r.outcomes.filter((o) => o.crash !== null);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.crash).toContain('Kernel panic');
    expect(dead[0]?.match).toBe(false);
    expect(r.outcomes.filter((o) => o.crash === null).every((o) => o.match)).toBe(true);
    expect(r.outcomes).toHaveLength(seqs.length);
    expect(g.boots.filter((b) => b === 'iommu').length).toBe(2);
  });
});

describe('planFile', () => {
  it('runs the type1 comparisons on both containers and skips what a boot cannot do, with the reason', () => {
    const n3 = planFile('counterexamples/differences/latest/N3.json', FLAVOUR_CAPS.debian);
    expect(n3.map((p) => (p.kind === 'run' ? `${p.seq.run}:${p.seq.semantics}` : p.reason))).toEqual([
      'compat:v6.12',
      'legacy:legacy container (v6.12)',
    ]);
    const threaded = planFile('counterexamples/open-atomicity--latest.json', FLAVOUR_CAPS.debian);
    expect(threaded[0]?.kind === 'skip' && threaded[0].reason).toMatch(/interleaving/);
    const mock = planFile('scenarios/kernel-selftests/iommufd_ioas.area.mock_domain.json', FLAVOUR_CAPS.debian);
    expect(mock[0]?.kind === 'skip' && mock[0].reason).toMatch(/CONFIG_IOMMUFD_TEST/);
    const old = planFile('scenarios/vfio-paths/cdev.absent_before_v6.6.json', FLAVOUR_CAPS.debian);
    expect(old[0]?.kind === 'skip' && old[0].reason).toMatch(/does not apply to v6.12/);
  });
  it("maps /dev/vfio/vfio to the flavour's compat container", () => {
    const [p] = planFile('scenarios/vfio-paths/group.set_redirects_next_open.json', FLAVOUR_CAPS.debian);
    expect(p?.kind === 'run' && p.seq.steps[0]?.line).toBe('0 open path=/dev/iommu as=a0f3');
    const [t] = planFile('scenarios/vfio-paths/group.set_redirects_next_open.json', FLAVOUR_CAPS.test);
    expect(t?.kind === 'run' && t.seq.steps[0]?.line).toBe('0 open path=/dev/vfio/vfio as=a0f3');
  });
});

describe('planFile on a folder of evidence', () => {
  it("skips another ioas-check document (a fuzz run's report) and still refuses a malformed counterexample", () => {
    const [p] = planFile('counterexamples/kernel-fuzz/kernel-fuzz.json', FLAVOUR_CAPS.debian);
    expect(p?.kind === 'skip' && p.reason).toBe('a ioas-check/kernel-fuzz@1 document, not a scenario or a trace');
    expect(() => planFile('package.json', FLAVOUR_CAPS.debian)).toThrow(
      /format: expected "ioas-check\/counterexample@1"/,
    );
  });
});
