// The reducer: step(world, action) -> { world, result, events }. Pure: the input world is never changed and
// the same input always gives the same output. Dispatch is a switch (hot path) with an exhaustiveness check.
import type { Action } from './actions.ts';
import type { ModelEvent } from './events.ts';
import { newTx, type Tx } from './kernel/tx.ts';
import { close } from './ops/close.ts';
import { iommuDestroy } from './ops/iommuDestroy.ts';
import { iommuHwptAlloc } from './ops/iommuHwptAlloc.ts';
import { iommuIoasAlloc } from './ops/iommuIoasAlloc.ts';
import { iommuIoasAllowIovas } from './ops/iommuIoasAllowIovas.ts';
import { iommuIoasCopy } from './ops/iommuIoasCopy.ts';
import { iommuIoasIovaRanges } from './ops/iommuIoasIovaRanges.ts';
import { iommuIoasMap } from './ops/iommuIoasMap.ts';
import { iommuIoasMapUserVa } from './ops/iommuIoasMapUserVa.ts';
import { iommuIoasUnmap } from './ops/iommuIoasUnmap.ts';
import { iommuOption } from './ops/iommuOption.ts';
import { iommuTestAccessPages } from './ops/iommuTestAccessPages.ts';
import { iommuTestAccessReplaceIoas } from './ops/iommuTestAccessReplaceIoas.ts';
import { iommuTestAddReserved } from './ops/iommuTestAddReserved.ts';
import { iommuTestCreateAccess } from './ops/iommuTestCreateAccess.ts';
import { iommuTestDestroyAccessPages } from './ops/iommuTestDestroyAccessPages.ts';
import { iommuTestMockDomain } from './ops/iommuTestMockDomain.ts';
import { iommuTestMockDomainReplace } from './ops/iommuTestMockDomainReplace.ts';
import { iommuVfioIoas } from './ops/iommuVfioIoas.ts';
import { open } from './ops/open.ts';
import { openCdev } from './ops/openCdev.ts';
import { openGroup } from './ops/openGroup.ts';
import { passFd } from './ops/passFd.ts';
import { vfioCheckExtension } from './ops/vfioCheckExtension.ts';
import { vfioDeviceAttachIommufdPt } from './ops/vfioDeviceAttachIommufdPt.ts';
import { vfioDeviceBindIommufd } from './ops/vfioDeviceBindIommufd.ts';
import { vfioDeviceDetachIommufdPt } from './ops/vfioDeviceDetachIommufdPt.ts';
import { vfioGetApiVersion } from './ops/vfioGetApiVersion.ts';
import { vfioGroupGetDeviceFd } from './ops/vfioGroupGetDeviceFd.ts';
import { vfioGroupSetContainer } from './ops/vfioGroupSetContainer.ts';
import { vfioGroupUnsetContainer } from './ops/vfioGroupUnsetContainer.ts';
import { vfioIommuGetInfo } from './ops/vfioIommuGetInfo.ts';
import { vfioIommuMapDma } from './ops/vfioIommuMapDma.ts';
import { vfioIommuUnmapDma } from './ops/vfioIommuUnmapDma.ts';
import { vfioSetIommu } from './ops/vfioSetIommu.ts';
import type { OpResult } from './result.ts';
import type { Semantics } from './semantics.ts';
import type { World } from './state.ts';
import type { Topology } from './topology.ts';

export interface StepOutcome {
  readonly world: World;
  readonly result: OpResult;
  readonly events: readonly ModelEvent[];
}

function dispatch(tx: Tx, a: Action): OpResult {
  switch (a.kind) {
    case 'open':
      return open(tx, a);
    case 'open_group':
      return openGroup(tx, a);
    case 'open_cdev':
      return openCdev(tx, a);
    case 'close':
      return close(tx, a);
    case 'pass_fd':
      return passFd(tx, a);
    case 'IOMMU_IOAS_ALLOC':
      return iommuIoasAlloc(tx, a);
    case 'IOMMU_DESTROY':
      return iommuDestroy(tx, a);
    case 'IOMMU_VFIO_IOAS':
      return iommuVfioIoas(tx, a);
    case 'IOMMU_HWPT_ALLOC':
      return iommuHwptAlloc(tx, a);
    case 'IOMMU_IOAS_MAP':
      return iommuIoasMap(tx, a);
    case 'IOMMU_IOAS_UNMAP':
      return iommuIoasUnmap(tx, a);
    case 'VFIO_GET_API_VERSION':
      return vfioGetApiVersion(tx, a);
    case 'VFIO_CHECK_EXTENSION':
      return vfioCheckExtension(tx, a);
    case 'VFIO_SET_IOMMU':
      return vfioSetIommu(tx, a);
    case 'VFIO_IOMMU_GET_INFO':
      return vfioIommuGetInfo(tx, a);
    case 'VFIO_IOMMU_MAP_DMA':
      return vfioIommuMapDma(tx, a);
    case 'VFIO_IOMMU_UNMAP_DMA':
      return vfioIommuUnmapDma(tx, a);
    case 'VFIO_GROUP_SET_CONTAINER':
      return vfioGroupSetContainer(tx, a);
    case 'VFIO_GROUP_UNSET_CONTAINER':
      return vfioGroupUnsetContainer(tx, a);
    case 'VFIO_GROUP_GET_DEVICE_FD':
      return vfioGroupGetDeviceFd(tx, a);
    case 'VFIO_DEVICE_BIND_IOMMUFD':
      return vfioDeviceBindIommufd(tx, a);
    case 'VFIO_DEVICE_ATTACH_IOMMUFD_PT':
      return vfioDeviceAttachIommufdPt(tx, a);
    case 'VFIO_DEVICE_DETACH_IOMMUFD_PT':
      return vfioDeviceDetachIommufdPt(tx, a);
    case 'IOMMU_OPTION':
      return iommuOption(tx, a);
    case 'IOMMU_TEST_OP_MOCK_DOMAIN':
      return iommuTestMockDomain(tx, a);
    case 'IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE':
      return iommuTestMockDomainReplace(tx, a);
    case 'IOMMU_TEST_OP_CREATE_ACCESS':
      return iommuTestCreateAccess(tx, a);
    case 'IOMMU_TEST_OP_ACCESS_REPLACE_IOAS':
      return iommuTestAccessReplaceIoas(tx, a);
    case 'IOMMU_TEST_OP_ACCESS_PAGES':
      return iommuTestAccessPages(tx, a);
    case 'IOMMU_TEST_OP_DESTROY_ACCESS_PAGES':
      return iommuTestDestroyAccessPages(tx, a);
    case 'IOMMU_IOAS_IOVA_RANGES':
      return iommuIoasIovaRanges(tx, a);
    case 'IOMMU_IOAS_ALLOW_IOVAS':
      return iommuIoasAllowIovas(tx, a);
    case 'IOMMU_IOAS_COPY':
      return iommuIoasCopy(tx, a);
    case 'IOMMU_TEST_OP_ADD_RESERVED':
      return iommuTestAddReserved(tx, a);
    case 'IOMMU_IOAS_MAP_USER_VA':
      return iommuIoasMapUserVa(tx, a);
    default: {
      const never: never = a;
      throw new Error(`unreachable action ${JSON.stringify(never)}`);
    }
  }
}

/** Applies one action. A failed ioctl (errno) is a legal outcome; a thrown Error is a model bug. */
export function step(world: World, action: Action, sem: Semantics, topo: Topology): StepOutcome {
  const tx = newTx(world, sem, topo);
  const result = dispatch(tx, action);
  // An ioctl that fails returns with the world as it found it, except where the kernel really leaves
  // something behind; ops that must keep partial effects (non-atomic unmap, B1's leak) build them into tx.
  return { world: tx.world, result, events: tx.events };
}
