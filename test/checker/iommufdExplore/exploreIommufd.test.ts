// The iommufd model under the explorer: exact, repeatable counts; fingerprints agree with full states; a known
// bug comes back as a shortest counterexample that replays; witnesses and vacuity are reported.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, type ExploreBounds } from '../../../src/checker/iommufdExplore/bounds.ts';
import { exploreIommufd } from '../../../src/checker/iommufdExplore/exploreIommufd.ts';
import { runTrace } from '../../../src/checker/runTrace.ts';
import { semantics } from '../../../src/model/semantics.ts';
import { makeTopology } from '../../../src/model/topology.ts';
import type { Property } from '../../../src/properties/Property.ts';
import { PROPERTIES, propertyByCode } from '../../../src/properties/registry.ts';

const tiny: ExploreBounds = { ...DEFAULT_BOUNDS, maxObjects: 3, idRange: 2, maxFds: 3 };

describe('exploreIommufd', () => {
  it('gives the same counts every run, and the same with whole-state storage', () => {
    const a = exploreIommufd(semantics('latest'), tiny, PROPERTIES);
    const b = exploreIommufd(semantics('latest'), tiny, PROPERTIES);
    const full = exploreIommufd(semantics('latest'), tiny, PROPERTIES, true);
    expect(a.result.exhausted).toBe(true);
    expect(a.result.states).toBeGreaterThan(1000);
    expect([b.result.states, b.result.transitions, b.result.depth]).toEqual([
      a.result.states,
      a.result.transitions,
      a.result.depth,
    ]);
    expect([full.result.states, full.result.transitions]).toEqual([a.result.states, a.result.transitions]);
    expect(a.properties.every((p) => !p.violated)).toBe(true);
    expect(a.witnesses.find((w) => w.name === 'a device attached to an IOAS')?.reached).toBe(true);
    expect(a.coverage['VFIO_GROUP_GET_DEVICE_FD']?.['ok']).toBeGreaterThan(0);
  });

  it('finds B11 on v6.6 with a shortest trace that replays, and nothing on latest', () => {
    const topology = makeTopology({
      groups: [{ name: 'g0', noiommu: true, devices: [{ name: 'nidev0', kind: 'physical' }] }],
      actors: [{ name: 'app', kind: 'native' }],
    });
    const bounds = { ...tiny, topology };
    const prop = propertyByCode('open-count-balance') as Property;
    const bad = exploreIommufd(semantics('v6.6'), bounds, [prop]);
    const v = bad.properties[0];
    expect(v?.violated).toBe(true);
    expect(v?.trace.map((a) => a.kind)).toEqual([
      'open',
      'open_group',
      'VFIO_GROUP_SET_CONTAINER',
      'VFIO_GROUP_GET_DEVICE_FD',
    ]);
    const replay = runTrace(
      prop,
      { sem: semantics('v6.6'), topo: topology },
      { kind: 'actions', items: v?.trace ?? [] },
      false,
    );
    expect(replay.violation?.step).toBe(3);
    expect(exploreIommufd(semantics('latest'), bounds, [prop]).properties[0]?.violated).toBe(false);
  });

  it('symmetry reduction (interchangeable groups) stores fewer states and changes no verdict', () => {
    for (const v of ['v6.3']) {
      const plain = exploreIommufd(semantics(v), tiny, PROPERTIES);
      const sym = exploreIommufd(semantics(v), tiny, PROPERTIES, false, true);
      expect(sym.result.states).toBeLessThan(plain.result.states);
      expect(sym.properties.map((p) => [p.code, p.violated, p.trace.length])).toEqual(
        plain.properties.map((p) => [p.code, p.violated, p.trace.length]),
      );
      expect(sym.witnesses.map((w) => [w.name, w.reached, w.trace.length])).toEqual(
        plain.witnesses.map((w) => [w.name, w.reached, w.trace.length]),
      );
    }
  });

  it('flags a property as vacuous when its witness is never reached', () => {
    const noDevices: ExploreBounds = {
      ...tiny,
      ops: new Set(['open', 'IOMMU_IOAS_ALLOC', 'IOMMU_DESTROY', 'IOMMU_VFIO_IOAS', 'close']),
    };
    const r = exploreIommufd(semantics('latest'), noDevices, PROPERTIES);
    expect(r.properties.find((p) => p.code === 'attachments-live')).toMatchObject({ violated: false, vacuous: true });
    expect(r.properties.find((p) => p.code === 'vfio-ioas-live')).toMatchObject({ violated: false, vacuous: false });
  });
});
