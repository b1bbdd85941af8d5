// Every property can fail: a hand-written trace on which it is violated, and one on which it holds.
import { describe, expect, it } from 'vitest';
import { runTrace } from '../../src/checker/runTrace.ts';
import { topologyFor } from '../../src/checker/scope.ts';
import { objectId } from '../../src/model/ids.ts';
import { NOIOMMU_TOPOLOGY, withActors } from '../../src/model/topology.ts';
import type { Property } from '../../src/properties/Property.ts';
import { PROPERTIES, propertyByCode } from '../../src/properties/registry.ts';
import { CLEAR, P, Script, SET } from '../helpers/script.ts';

const NOIOMMU = withActors(NOIOMMU_TOPOLOGY, [
  { name: 'qemu', kind: 'legacy' },
  { name: 'tool', kind: 'native' },
]);

/** A legacy-only run: qemu opens /dev/vfio/vfio (fd 3), g0 (fd 4) and sets the container. */
function legacyOnly(v: string): Script {
  const s = new Script(v, withActors(NOIOMMU_TOPOLOGY, [{ name: 'qemu', kind: 'legacy' }]));
  s.open('qemu');
  s.openGroup('qemu', 'g0');
  s.setContainer('qemu', 4, 3);
  return s;
}

/** qemu attaches the no-IOMMU group g3 (fd 4) to a fresh /dev/vfio/vfio (fd 3). */
function noiommu(v: string): Script {
  const s = new Script(v, NOIOMMU);
  s.open('qemu');
  s.openGroup('qemu', 'g3');
  s.setContainer('qemu', 4, 3);
  return s;
}

function verdict(code: string, s: Script): string | null {
  const p = propertyByCode(code) as Property;
  return (
    runTrace(p, { sem: s.sem, topo: s.topo }, { kind: 'actions', items: s.actions }, false).violation?.message ?? null
  );
}

/** qemu opens /dev/vfio/vfio (fd 3) and g1 (fd 4), hands the iommufd to tool (its fd 3), sets the container. */
function shared(v: string): Script {
  const s = new Script(v);
  s.open('qemu');
  s.openGroup('qemu', 'g1');
  s.pass('qemu', 3, 'tool');
  s.setContainer('qemu', 4, 3);
  return s;
}

const FIXTURES: Record<string, { readonly fail: () => Script; readonly hold: () => Script }> = {
  'legacy-compat-ioas-stable': {
    fail: () => {
      const s = shared('latest');
      s.vfioIoas('tool', 3, CLEAR);
      s.mapDma('qemu', 3, 0, P);
      return s;
    },
    hold: () => {
      const s = shared('latest');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.mapDma('qemu', 3, 0, P);
      return s;
    },
  },
  'uapi-comment-compat-ioas-fixed': {
    fail: () => {
      const s = shared('v6.3');
      s.ioasAlloc('tool', 3);
      s.vfioIoas('tool', 3, SET, 2);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
    hold: () => shared('v6.3'),
  },
  'non-interference': {
    fail: () => {
      const s = shared('v6.6');
      s.vfioIoas('tool', 3, CLEAR);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
    hold: () => {
      const s = shared('v6.6');
      s.vfioIoas('tool', 3, 0);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
  },
  'set-affects-next-open': {
    fail: () => {
      const s = shared('v6.6+cached-compat-id');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 5);
      s.ioasAlloc('tool', 3);
      s.vfioIoas('tool', 3, SET, 2);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
    hold: () => {
      const s = shared('v6.6');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 5);
      s.ioasAlloc('tool', 3);
      s.vfioIoas('tool', 3, SET, 2);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
  },
  'failed-open-leaves-no-trace': {
    fail: () => {
      const s = shared('v6.2');
      s.vfioIoas('tool', 3, CLEAR);
      s.getDeviceFd('qemu', 4, 'dev1', 'attach');
      return s;
    },
    hold: () => {
      const s = shared('v6.3');
      s.vfioIoas('tool', 3, CLEAR);
      s.getDeviceFd('qemu', 4, 'dev1', 'attach');
      return s;
    },
  },
  'failed-ioctl-leaves-no-trace': {
    // v6.2: the failed first open re-creates the cleared compat IOAS and keeps it.
    fail: () => {
      const s = shared('v6.2');
      s.vfioIoas('tool', 3, CLEAR);
      s.getDeviceFd('qemu', 4, 'dev1', 'attach');
      return s;
    },
    // v6.12: failed ioctls of every kind, and the one excused partial effect: an unmap that stops with ENOENT
    // at an area straddling its range keeps the whole areas it removed before (iopt_unmap_iova_range()).
    hold: () => {
      const s = new Script('v6.12');
      s.open('tool', '/dev/iommu');
      s.ioasAlloc('tool', 3);
      s.ioasMap('tool', 3, 1, 0x1000, 0x1000);
      s.ioasMap('tool', 3, 1, 0x2000, 0x2000);
      s.ioasUnmap('tool', 3, 1, 0x1000, 0x2000);
      s.destroy('tool', 3, 7);
      s.vfioIoas('tool', 3, SET, 9);
      s.hwptAlloc('tool', 3, 1, 1);
      return s;
    },
  },
  'attach-target-was-compat': {
    fail: () => {
      const s = shared('v6.6+cached-compat-id');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 5);
      s.destroy('tool', 3, 1);
      s.ioasAlloc('tool', 3);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
    hold: () => {
      const s = shared('v6.6');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 5);
      s.destroy('tool', 3, 1);
      s.ioasAlloc('tool', 3);
      s.getDeviceFd('qemu', 4, 'dev1');
      return s;
    },
  },
  'refcounts-match-holders': {
    fail: () => {
      const s = new Script('v6.2');
      s.open('qemu');
      s.openGroup('qemu', 'g0');
      s.setContainer('qemu', 4, 3, 'ioas_alloc');
      return s;
    },
    hold: () => {
      const s = new Script('v6.3');
      s.open('qemu');
      s.openGroup('qemu', 'g0');
      s.setContainer('qemu', 4, 3, 'ioas_alloc');
      s.setContainer('qemu', 4, 3);
      s.getDeviceFd('qemu', 4, 'dev0');
      return s;
    },
  },
  'close-all-leaves-nothing': {
    fail: () => {
      const s = shared('v6.3');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.unsetContainer('qemu', 4);
      return s;
    },
    hold: () => {
      const s = shared('v6.6');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.unsetContainer('qemu', 4);
      return s;
    },
  },
  'open-count-balance': {
    fail: () => {
      const s = noiommu('v6.6');
      s.getDeviceFd('qemu', 4, 'nidev0');
      return s;
    },
    hold: () => {
      const s = noiommu('latest');
      s.getDeviceFd('qemu', 4, 'nidev0');
      s.close('qemu', 5);
      return s;
    },
  },
  'check-extension-consistent': {
    fail: () => {
      const s = noiommu('v6.6');
      s.checkExtension('qemu', 3, 3);
      return s;
    },
    hold: () => {
      const s = noiommu('latest');
      s.checkExtension('qemu', 3, 3);
      return s;
    },
  },
  'compat-matches-type1': {
    fail: () => {
      const s = legacyOnly('latest');
      s.mapDma('qemu', 3, 0, P);
      return s;
    },
    hold: () => {
      const s = legacyOnly('latest');
      s.setIommu('qemu', 3, 3);
      s.mapDma('qemu', 3, 0, P);
      s.getDeviceFd('qemu', 4, 'dev0');
      s.unmapDma('qemu', 3, 0, P);
      return s;
    },
  },
  'qemu-shaped-compat-matches-type1': {
    fail: () => {
      const s = legacyOnly('v6.6');
      s.setIommu('qemu', 3, 3);
      s.mapDma('qemu', 3, 0, P);
      s.unmapDma('qemu', 3, 0, P);
      s.unmapDma('qemu', 3, 0, P);
      return s;
    },
    hold: () => {
      const s = legacyOnly('latest');
      s.setIommu('qemu', 3, 3);
      s.mapDma('qemu', 3, 0, P);
      s.unmapDma('qemu', 3, 0, P);
      s.unmapDma('qemu', 3, 0, P);
      return s;
    },
  },
  'no-kernel-warn': {
    fail: () => {
      const s = shared('v6.2');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 4);
      return s;
    },
    hold: () => {
      const s = shared('latest');
      s.getDeviceFd('qemu', 4, 'dev1');
      s.close('qemu', 4);
      return s;
    },
  },
};

describe('property fixtures', () => {
  for (const [code, f] of Object.entries(FIXTURES)) {
    it(`${code} fails on its fixture and holds on the other`, () => {
      expect(verdict(code, f.fail())).not.toBeNull();
      expect(verdict(code, f.hold())).toBeNull();
    });
  }

  it('every monitor property whose violation needs a kernel flaw has a fixture, or a forged-step test', () => {
    // The threaded properties' fail and hold cases live in test/model/threads/threadedFixtures.test.ts.
    const forged = [
      'cdev-ignores-vfio-ioas',
      'vfio-ioas-live',
      'attachments-live',
      'group-one-domain',
      'auto-hwpt-lifetime',
      'open-atomicity',
      'no-use-after-free',
      'no-unfinalized-ref',
      'kernel-destroy-succeeds',
      'no-deadlock',
    ];
    const covered = new Set([...Object.keys(FIXTURES), ...forged]);
    expect(PROPERTIES.map((p) => p.code).filter((c) => !covered.has(c))).toEqual([]);
  });

  it("failed-ioctl-leaves-no-trace's hold fixture really has a failed unmap that removed an area", () => {
    const s = (FIXTURES['failed-ioctl-leaves-no-trace'] as { hold: () => Script }).hold();
    const p = propertyByCode('failed-ioctl-leaves-no-trace') as Property;
    const r = runTrace(p, { sem: s.sem, topo: s.topo }, { kind: 'actions', items: s.actions }, true);
    const areas = r.records.map((x) => {
      const o = x.after.ctxs[0]?.objects[1];
      return `${x.action.kind} ${x.result.kind === 'errno' ? x.result.errno : 'ok'} ${o?.type === 'IOAS' ? o.areas.length : '-'}`;
    });
    expect(areas.slice(2, 5)).toEqual(['IOMMU_IOAS_MAP ok 1', 'IOMMU_IOAS_MAP ok 2', 'IOMMU_IOAS_UNMAP ENOENT 1']);
  });

  it('cdev-ignores-vfio-ioas holds on a cdev flow and fails on a forged step that changes vfio_ioas', () => {
    // No kernel profile violates it, so the failing case is a forged step: a cdev ATTACH that cleared vfio_ioas.
    const cdevFlow = () => {
      const s = new Script('latest');
      s.open('tool', '/dev/iommu');
      s.openCdev('tool', 'dev0');
      s.bind('tool', 4, 3);
      s.ioasAlloc('tool', 3);
      s.vfioIoas('tool', 3, SET, 2);
      s.attachPt('tool', 4, 2);
      return s;
    };
    expect(verdict('cdev-ignores-vfio-ioas', cdevFlow())).toBeNull();
    const s = cdevFlow();
    const p = propertyByCode('cdev-ignores-vfio-ioas') as Property;
    if (p.check.kind !== 'monitor') throw new Error('expected a monitor');
    const m = p.check.create({ sem: s.sem, topo: s.topo });
    const attach = s.actions.at(-1);
    if (attach === undefined) throw new Error('no action');
    const before = s.world;
    const ctx0 = before.ctxs[0];
    if (ctx0 === undefined) throw new Error('no ctx');
    const forged = { ...before, ctxs: [{ ...ctx0, vfioIoas: null }] };
    const msg = m.step({
      index: 0,
      before,
      action: attach,
      result: { kind: 'ok', ret: 0, out: {} },
      after: forged,
      events: [],
    });
    expect(msg).toMatch(/changed vfio_ioas/);
  });

  it('the state invariants fail on forged worlds', () => {
    const s = shared('latest');
    s.getDeviceFd('qemu', 4, 'dev1');
    const w = s.world;
    const ctx0 = w.ctxs[0];
    if (ctx0 === undefined) throw new Error('no ctx');
    const check = (code: string, world: typeof w) => {
      const p = propertyByCode(code) as Property;
      if (p.check.kind !== 'monitor') throw new Error('expected a monitor');
      const m = p.check.create({ sem: s.sem, topo: topologyFor('mixed') });
      return m.step({
        index: 0,
        before: w,
        action: s.actions[0] as never,
        result: { kind: 'ok', ret: 0, out: {} },
        after: world,
        events: [],
      });
    };
    expect(check('vfio-ioas-live', w)).toBeNull();
    expect(check('vfio-ioas-live', { ...w, ctxs: [{ ...ctx0, vfioIoas: 3 as never }] })).toMatch(/not a live IOAS/);
    expect(check('attachments-live', w)).toBeNull();
    expect(check('attachments-live', { ...w, ctxs: [{ ...ctx0, objects: ctx0.objects.slice(0, 3) }] })).toMatch(
      /missing HWPT/,
    );
    // group-one-domain: dev2 (g1, like dev1) forged onto another HWPT than dev1's.
    expect(check('group-one-domain', w)).toBeNull();
    const split = [
      ...ctx0.objects,
      { type: 'DEVICE' as const, device: 2 as never, hwpt: 9 as never, users: 2, serial: 99 },
    ];
    expect(check('group-one-domain', { ...w, ctxs: [{ ...ctx0, objects: split }] })).toMatch(
      /group g1 has devices on HWPT 3 and HWPT 9 in iommufd ctx0/,
    );
    expect(check('auto-hwpt-lifetime', w)).toBeNull();
    const hwpt = ctx0.objects[3];
    if (hwpt?.type !== 'HWPT_PAGING') throw new Error('expected HWPT 3');
    const ioas = ctx0.objects[1];
    if (ioas?.type !== 'IOAS') throw new Error('expected IOAS 1');
    const doubled = ctx0.objects.slice();
    doubled[1] = { ...ioas, hwptList: [objectId(3), objectId(3)] };
    expect(check('auto-hwpt-lifetime', { ...w, ctxs: [{ ...ctx0, objects: doubled }] })).toMatch(/duplicate/);
  });
});
