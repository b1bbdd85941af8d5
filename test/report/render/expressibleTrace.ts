// Hand-built traces a C reproducer can express (the saved counterexamples all need vfio groups): every iommufd
// and compat-container op, by two actors sharing an fd, run through the model; and one as a counterexample file.
import {
  COUNTEREXAMPLE_FORMAT,
  type Counterexample,
  stepJson,
  topologyJson,
} from '../../../src/checker/counterexample.ts';
import { runTrace } from '../../../src/checker/runTrace.ts';
import { VFIO_EXT } from '../../../src/model/actions.ts';
import { fd } from '../../../src/model/ids.ts';
import { U64_MAX } from '../../../src/model/kernel/iopt.ts';
import { propertyByCode } from '../../../src/properties/registry.ts';
import type { Trace } from '../../../src/report/render/Trace.ts';
import { CLEAR, GET, P, Script, SET } from '../../helpers/script.ts';

/** Every expressible op at least once, with successes and errnos (ENODEV, ENOENT, EBADF, EOPNOTSUPP). */
export function expressibleScript(profile: string): Script {
  const s = new Script(profile);
  s.open('tool', '/dev/iommu');
  s.ioasAlloc('tool', 3);
  s.vfioIoas('tool', 3, GET);
  s.vfioIoas('tool', 3, SET, 1);
  s.vfioIoas('tool', 3, GET);
  s.ioasMap('tool', 3, 1, 0, 2 * P);
  s.ioasMap('tool', 3, 1, P, P);
  s.ioasUnmap('tool', 3, 1, 0, 2 * P);
  s.ioasUnmap('tool', 3, 1, 0, U64_MAX);
  s.do('tool', { kind: 'VFIO_GET_API_VERSION', fd: fd(3) });
  s.checkExtension('tool', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU);
  s.setIommu('tool', 3, VFIO_EXT.VFIO_TYPE1v2_IOMMU);
  s.do('tool', { kind: 'VFIO_IOMMU_GET_INFO', fd: fd(3), argsz: 104 });
  s.do('tool', { kind: 'VFIO_IOMMU_GET_INFO', fd: fd(3), argsz: 8 });
  s.mapDma('tool', 3, 0, 4 * P);
  s.unmapDma('tool', 3, 0, P);
  s.unmapDma('tool', 3, 0, 4 * P);
  s.hwptAlloc('tool', 3, 1, 1);
  s.pass('tool', 3, 'qemu');
  s.open('qemu');
  s.mapDma('qemu', 4, 0, P);
  s.vfioIoas('qemu', 3, CLEAR);
  s.mapDma('qemu', 3, 0, P);
  s.destroy('qemu', 3, 1);
  s.close('tool', 3);
  s.close('tool', 3);
  s.vfioIoas('tool', 3, 3);
  s.vfioIoas('qemu', 3, 3);
  s.close('qemu', 3);
  s.close('qemu', 4);
  // The group path and the cdev path (on v6.2/v6.3 the cdev opens fail, and so do the calls on it).
  s.open('qemu');
  s.openGroup('qemu', 'g0');
  s.setContainer('qemu', 4, 3);
  s.getDeviceFd('qemu', 4, 'dev0');
  s.unsetContainer('qemu', 4);
  s.open('tool', '/dev/iommu');
  s.openCdev('tool', 'dev1');
  s.bind('tool', 4, 3);
  s.ioasAlloc('tool', 3);
  s.attachPt('tool', 4, 2);
  s.do('tool', { kind: 'VFIO_DEVICE_DETACH_IOMMUFD_PT', fd: fd(4), flags: 0 });
  return s;
}

export function scriptTrace(s: Script, title: string): Trace {
  return {
    topology: s.topo,
    actions: s.actions,
    results: s.results,
    violation: null,
    semantics: s.sem.name,
    title,
  };
}

/** The script as a saved counterexample file would hold it (states from the model; a made-up violation). */
export function expressibleCounterexample(profile: string): Counterexample {
  const s = expressibleScript(profile);
  const property = propertyByCode('no-kernel-warn');
  if (property === undefined) throw new Error('no property no-kernel-warn');
  const run = runTrace(property, { sem: s.sem, topo: s.topo }, { kind: 'actions', items: s.actions }, true);
  return {
    format: COUNTEREXAMPLE_FORMAT,
    property: property.code,
    title: property.title,
    claim: property.claim,
    semantics: s.sem.name,
    expected: 'holds',
    expectedReason: null,
    search: { seed: 0, derivedSeed: 0, path: '', runs: 0, maxSteps: 0, shrinks: 0, fastCheckVersion: '' },
    topology: topologyJson(s.topo),
    violation: { step: s.actions.length, message: 'hand-built trace for the C renderer' },
    steps: run.records.map((r) => stepJson(r, s.topo)),
    reproduce: { replay: '', search: '' },
  };
}
