import { describe, expect, it } from 'vitest';
import { buildReproducer, parseCRuns } from '../../src/lab/cRepro.ts';
import { planFile } from '../../src/lab/loadFiles.ts';
import { FLAVOUR_CAPS } from '../../src/lab/setup.ts';

describe('parseCRuns', () => {
  it("reads each program's exit and its failed steps with their diagnostics", () => {
    const out = [
      'C|c0|TAP version 13',
      'C|c0|1..2',
      'C|c0|ok 1 - step 0',
      'C|c0|#   failed with No such device, model: returns an fd',
      'C|c0|not ok 2 - step 1',
      'C|c0|exit 1',
      '{"t":"done"}',
      'C|c1|ok 1 - step 0',
      'C|c1|exit 0',
      'C|c2|ok 1 - step 0',
    ].join('\n');
    const r = parseCRuns(out);
    expect(r.get('c0')).toEqual({
      exit: 1,
      failed: ['not ok 2 - step 1', '#   failed with No such device, model: returns an fd'],
    });
    expect(r.get('c1')).toEqual({ exit: 0, failed: [] });
    expect(r.get('c2')?.exit).toBeNull();
  });
});

describe('buildReproducer', () => {
  it("builds a counterexample's reproducer statically, with the lab's device for each model device", () => {
    const [p] = planFile('counterexamples/differences/latest/N3.json', FLAVOUR_CAPS.debian);
    if (p?.kind !== 'run') throw new Error('not planned');
    const b = buildReproducer(p.seq, 'c0');
    expect(b?.kind).toBe('built');
    if (b?.kind === 'built') {
      expect(b.binary.subarray(1, 4).toString('ascii')).toBe('ELF');
      expect(b.args).toBe('dev0=dev0 dev1=dev1 dev2=dev2 mdev0=mdev0 nidev0=nidev0');
    }
  });
  it('builds nothing for a scenario', () => {
    const [p] = planFile('scenarios/vfio-paths/cdev.hwpt_alloc.json', FLAVOUR_CAPS.debian);
    if (p?.kind !== 'run') throw new Error('not planned');
    expect(buildReproducer(p.seq, 'c0')).toBeNull();
  });
});
