// Running scenarios: $variables bind then compare, by_version overrides, size checks, readable mismatches.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';
import type { Scenario } from '../../src/scenario/Scenario.ts';

const OPEN = { op: 'open', args: { path: '/dev/iommu' }, as: 'F', expect: { ret: 0 } };
function scenario(steps: unknown[], semantics = ['v6.2', 'latest']): Scenario {
  const r = parseScenario(JSON.stringify({ name: 't', source: 'test', semantics, steps: [OPEN, ...steps] }));
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('runScenario', () => {
  it('binds a $variable at its first appearance and compares it after', () => {
    const s = scenario([
      { op: 'IOMMU_IOAS_ALLOC', expect: { ret: 0, out: { out_ioas_id: '$a' } } },
      { op: 'IOMMU_IOAS_ALLOC', expect: { ret: 0, out: { out_ioas_id: '$a' } } },
    ]);
    const run = runScenario(s, 'latest');
    expect(run.failure).toMatchObject({
      step: 2,
      op: 'IOMMU_IOAS_ALLOC',
      expected: '0 {out_ioas_id: $a}',
      got: '0 {out_ioas_id: 2}',
    });
  });

  it('a wrong expectation fails at that step with expected, got and the state there', () => {
    const s = scenario([{ op: 'IOMMU_VFIO_IOAS', args: { op: 'GET' }, expect: { ret: 0 } }]);
    const run = runScenario(s, 'v6.2');
    expect(run.match).toBe(false);
    expect(run.steps.map((x) => x.match)).toEqual([true, false]);
    expect(run.failure?.expected).toBe('0');
    expect(run.failure?.got).toBe('ENODEV');
    expect(JSON.stringify(run.failure?.state)).toContain('"path":"/dev/iommu"');
  });

  it('by_version overrides the expectation on one profile', () => {
    const s = scenario([
      {
        op: 'IOMMU_IOAS_MAP',
        args: { flags: 'FIXED_IOVA', length: 4096 },
        expect: { errno: 'ENOENT', by_version: { latest: { errno: 'EINVAL' } } },
      },
    ]);
    expect(runScenario(s, 'v6.2').match).toBe(true);
    expect(runScenario(s, 'latest').match).toBe(true);
  });

  it('size and trailing bytes reach the kernel size checks before the handler', () => {
    const s = scenario([
      { op: 'IOMMU_VFIO_IOAS', args: { size: 11 }, expect: { errno: 'EINVAL' } },
      { op: 'IOMMU_VFIO_IOAS', args: { size: 16, trailing: [0, 0, 0, 7] }, expect: { errno: 'E2BIG' } },
      { op: 'IOMMU_VFIO_IOAS', args: { size: 16, trailing: [0, 0, 0, 0] }, expect: { errno: 'ENODEV' } },
    ]);
    expect(runScenario(s, 'latest').failure).toBeNull();
  });

  it('an op outside the model is "not modelled" and never matches an expectation', () => {
    const s = scenario([{ op: 'IOMMU_VIOMMU_ALLOC', args: { dev_id: 1 }, expect: { errno: 'ENOENT' } }]);
    expect(runScenario(s, 'latest').failure?.got).toBe('not modelled (vIOMMU is outside the model)');
  });

  it('a step without expect runs without being compared', () => {
    const s = scenario([
      { op: 'IOMMU_IOAS_COPY', args: { length: 4096 } },
      { op: 'close', fd: 'F', expect: { ret: 0 } },
    ]);
    const run = runScenario(s, 'latest');
    expect(run.match).toBe(true);
    expect(run.steps[1]).toMatchObject({ expected: null, match: true });
  });

  it('scenario mistakes (unbound variable, unbound fd variable, ambiguous fd) are reported at their step', () => {
    expect(runScenario(scenario([{ op: 'IOMMU_DESTROY', args: { id: '$x' } }]), 'latest').failure?.got).toBe(
      'scenario error: args.id: $x is not bound yet',
    );
    expect(runScenario(scenario([{ op: 'close', fd: '$nope' }]), 'latest').failure?.got).toContain(
      'fd $nope is not bound',
    );
    const two = scenario([OPEN, { op: 'IOMMU_IOAS_ALLOC' }]);
    expect(runScenario(two, 'latest').failure?.got).toContain('fd left out but 2 iommufds are open');
  });

  it('an access fd from CREATE_ACCESS is usable as `fd` and closes its access', () => {
    const s = scenario([
      { op: 'IOMMU_IOAS_ALLOC', expect: { ret: 0, out: { out_ioas_id: '$ioas' } } },
      {
        op: 'IOMMU_TEST_OP_CREATE_ACCESS',
        args: { ioas_id: '$ioas' },
        as: 'A',
        expect: { ret: 0, out: { access_fd: '$acc' } },
      },
      { op: 'IOMMU_DESTROY', args: { id: '$ioas' }, expect: { errno: 'EBUSY' } },
      { op: 'close', fd: '$acc', expect: { ret: 0 } },
      { op: 'IOMMU_DESTROY', args: { id: '$ioas' }, expect: { ret: 0 } },
    ]);
    expect(runScenario(s, 'v6.2').failure).toBeNull();
  });
});

describe('mock domain geometry', () => {
  it('a mock domain reserves outside its aperture: maps there fail, and a domain cannot join over an area there', () => {
    const s = scenario(
      [
        { op: 'IOMMU_IOAS_ALLOC', expect: { ret: 0, out: { out_ioas_id: '$ioas' } } },
        {
          op: 'IOMMU_IOAS_MAP',
          args: { ioas_id: '$ioas', flags: 'FIXED_IOVA|READABLE', iova: 4096, length: 4096 },
          expect: { ret: 0 },
        },
        { op: 'IOMMU_TEST_OP_MOCK_DOMAIN', args: { pt_id: '$ioas' }, expect: { errno: 'EADDRINUSE' } },
        { op: 'IOMMU_IOAS_UNMAP', args: { ioas_id: '$ioas', iova: 4096, length: 4096 }, expect: { ret: 0 } },
        { op: 'IOMMU_TEST_OP_MOCK_DOMAIN', args: { pt_id: '$ioas' }, expect: { ret: 0, out: { stdev_id: 2 } } },
        {
          op: 'IOMMU_IOAS_MAP',
          args: { ioas_id: '$ioas', flags: 'FIXED_IOVA|READABLE', iova: 4096, length: 4096 },
          expect: { errno: 'EINVAL' },
        },
        { op: 'IOMMU_VFIO_IOAS', args: { op: 'SET', ioas_id: '$ioas' }, expect: { ret: 0 } },
        {
          op: 'VFIO_IOMMU_MAP_DMA',
          args: { flags: 'READ', iova: '0x80000000', size: 4096 },
          expect: { errno: 'EINVAL' },
        },
        {
          op: 'VFIO_IOMMU_MAP_DMA',
          args: { flags: 'READ', iova: 'MOCK_APERTURE_START', size: 4096 },
          expect: { ret: 0 },
        },
      ],
      ['v6.2', 'v6.6', 'latest'],
    );
    for (const p of s.profiles) expect(runScenario(s, p).failure, p).toBeNull();
  });
});
