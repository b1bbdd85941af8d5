// Classifies a step where the legacy container and iommufd's compat mode disagree, against the difference
// table of legacy-vfio.md section 4. `documented` means the kernel itself documents the gap (a doc file,
// Kconfig help, uAPI or code comment, a commit message); `undocumented` means it is only visible in the code.
import { type Action, VFIO_DMA_UNMAP_FLAG, VFIO_EXT } from '../actions.ts';
import type { OpResult } from '../result.ts';
import type { LegacyWorld } from './state.ts';

export interface DifferenceClass {
  /** Row of legacy-vfio.md section 4, or `new-<op>` for a difference the table does not list. */
  readonly id: string;
  readonly title: string;
  readonly status: 'documented' | 'undocumented' | 'fixed bug';
  readonly source: string;
}

const R = (id: string, title: string, source = 'found by reading the code (legacy-vfio.md)'): DifferenceClass => ({
  id,
  title,
  status: 'undocumented',
  source,
});
const D = (id: string, title: string, source: string): DifferenceClass => ({ id, title, status: 'documented', source });

const isErr = (r: OpResult, e?: string) => r.kind === 'errno' && (e === undefined || r.errno === e);
const isOk = (r: OpResult) => r.kind === 'ok';

function containerOf(w: LegacyWorld, a: { readonly actor: number; readonly fd: number }) {
  const id = w.fdTables[a.actor]?.[a.fd];
  const f = id === undefined ? undefined : w.files[id];
  return f?.kind === 'container' ? w.containers[f.container] : undefined;
}

/** Not in legacy-vfio.md: found by this tool's search (see README, "Findings"). */
const NOIOMMU_STICKY = R(
  'N1',
  "no_iommu_mode is sticky: after the no-IOMMU group leaves, the iommufd still refuses TYPE1 (CHECK_EXTENSION 0, a normal group's SET_CONTAINER EINVAL) where the emptied legacy container starts over",
  'search; vfio_compat.c iommufd_vfio_compat_set_no_iommu() sets it and no path clears it',
);
const COMPAT_OUTLIVES_GROUPS = R(
  'N2',
  'a no-IOMMU group cannot join an iommufd that ever had a compat IOAS, even after every normal group left (EINVAL) where the emptied legacy container accepts it',
  'search; vfio_compat.c iommufd_vfio_compat_set_no_iommu() gives EINVAL while vfio_ioas is set',
);

const NO_NOIOMMU_V62 = D(
  'D3',
  'v6.2 compat has no no-IOMMU support: a no-IOMMU group joins like a normal one (mixing allowed, SET_IOMMU(NOIOMMU) EINVAL)',
  'Kconfig IOMMUFD_VFIO_CONTAINER help in v6.2 lists "no-IOMMU support" among the gaps (removed in v6.3 with c9a397cee9f5)',
);

const GROUP_NOT_PINNED = R(
  'N3',
  'closing the group fd while a device fd is open releases the group in compat mode (an iommufd-mode device fd takes no reference on the group file), so the group can be opened again; a legacy device fd pins the group file (EBUSY)',
  'search; group.c: only vfio_group_use_container() does get_file(group->opened_file)',
);

/** The class of the first disagreement: `legacyBefore` is the legacy world before the step; `groupKind` tells
 * a group's kind (iommu, noiommu, emulated), needed to name two of the classes. */
export function classifyDifference(
  a: Action,
  legacy: OpResult,
  compat: OpResult,
  legacyBefore: LegacyWorld,
  groupKind?: (g: number) => string,
): DifferenceClass {
  const k = 'fd' in a ? containerOf(legacyBefore, a as { actor: number; fd: number }) : undefined;
  const phase = k === undefined ? 'none' : k.driver !== 'none' ? 'set' : k.groups.length > 0 ? 'grouped' : 'empty';
  switch (a.kind) {
    case 'VFIO_CHECK_EXTENSION':
      if (a.ext === VFIO_EXT.VFIO_DMA_CC_IOMMU && phase === 'empty')
        return R('#4', 'CHECK_EXTENSION(DMA_CC_IOMMU) with no group: 0 vs ENODEV');
      if (a.ext === VFIO_EXT.VFIO_DMA_CC_IOMMU && phase === 'set')
        return R(
          'N4',
          'CHECK_EXTENSION(DMA_CC_IOMMU) after SET_IOMMU: type1 answers for the domains it made at SET_IOMMU (0 on an IOMMU without snoop control), compat for the HWPTs that device opens make (1 until a device opens)',
          'the real-kernel lab (6.12.118, QEMU VT-d); vfio_iommu_type1.c vfio_domains_have_enforce_cache_coherency(), vfio_compat.c iommufd_vfio_cc_iommu()',
        );
      if (a.ext === VFIO_EXT.VFIO_DMA_CC_IOMMU)
        return R('#5', 'CHECK_EXTENSION(DMA_CC_IOMMU) before SET_IOMMU: 0 vs 1');
      if (a.ext === VFIO_EXT.VFIO_NOIOMMU_IOMMU)
        return R('#9', 'CHECK_EXTENSION(NOIOMMU): per container and groups vs IS_ENABLED(CONFIG_VFIO_NOIOMMU)');
      if (a.ext === VFIO_EXT.VFIO_UPDATE_VADDR)
        return D(
          '#8',
          'CHECK_EXTENSION(UPDATE_VADDR) after SET_IOMMU: 1 vs 0',
          'vfio_compat.c iommufd_vfio_check_extension() comment',
        );
      if (k?.noiommu === true)
        return R('#3', 'CHECK_EXTENSION(TYPE1*) in a no-IOMMU container: 0 vs 1 (B13 before 7147ec874ea0)');
      if (phase === 'empty' && legacy.kind === 'ok' && legacy.ret === 1) return NOIOMMU_STICKY;
      break;
    case 'VFIO_SET_IOMMU':
      if (a.type === VFIO_EXT.VFIO_NOIOMMU_IOMMU && k?.noiommu === true && isOk(legacy)) return NO_NOIOMMU_V62;
      if (phase === 'empty')
        return R(
          '#16',
          'SET_IOMMU with no group: EINVAL vs ENODEV',
          'code; vfio_compat.c comment gives the intent only ("VFIO fails the set_iommu if there is no group")',
        );
      if (phase === 'set') return R('#18', 'a second SET_IOMMU: EINVAL vs 0 (no container state)');
      if (isErr(legacy, 'ENODEV')) return R('#19', 'SET_IOMMU of an unsupported type: ENODEV vs EINVAL');
      break;
    case 'VFIO_IOMMU_MAP_DMA':
    case 'VFIO_IOMMU_UNMAP_DMA':
    case 'VFIO_IOMMU_GET_INFO':
      if (legacy.kind === 'errno' && compat.kind === 'errno' && legacy.errno === compat.errno) {
        return R(
          '§5',
          `a failed ${a.kind} writes size back in compat (vfio_compat.c copies unmap.size on every return past the lookup), never in type1`,
        );
      }
      if (phase === 'grouped')
        return R('#21', `${a.kind} with a group before SET_IOMMU: EINVAL vs works on the compat IOAS`);
      if (phase === 'empty' && (k?.dma.length ?? 0) === 0 && isErr(legacy, 'EINVAL') && isErr(compat, 'ENODEV')) {
        return R('#22', `${a.kind} with no group ever: EINVAL vs ENODEV`);
      }
      if (phase === 'empty')
        return R(
          '#52',
          `${a.kind} after the last group left: EINVAL (container reset) vs works (the compat IOAS and its mappings survive)`,
        );
      if (k?.driver === 'noiommu')
        return D(
          '#55',
          `${a.kind} in no-IOMMU mode: ENOTTY vs ENODEV`,
          'vfio_compat.c comment: "Emulation for NOIOMMU is imperfect"',
        );
      if (a.kind === 'VFIO_IOMMU_UNMAP_DMA' && (a.flags & VFIO_DMA_UNMAP_FLAG.ALL) === 0) {
        if (
          isOk(legacy) &&
          legacy.kind === 'ok' &&
          legacy.out['size'] === 0 &&
          isErr(compat, 'ENOENT') &&
          k?.driver === 'type1v2'
        ) {
          return {
            id: '#35',
            title: 'UNMAP_DMA of a range with no mappings: 0, size 0 vs ENOENT (B12)',
            status: 'fixed bug',
            source: 'afb47765f923 "iommufd: Make vfio_compats unmap succeed if the range is already empty" (Nov 2025)',
          };
        }
        if (
          k?.driver === 'type1v2' &&
          isErr(legacy, 'EINVAL') &&
          compat.kind === 'errno' &&
          compat.out['size'] !== undefined &&
          compat.out['size'] > 0
        ) {
          return R(
            '#37',
            'UNMAP_DMA (v2) covering one mapping and ending inside the next: EINVAL, nothing unmapped vs ENOENT after unmapping the first',
          );
        }
        if (k?.driver === 'type1v2' && isErr(legacy, 'EINVAL'))
          return R('#36', 'UNMAP_DMA (v2) starting or ending inside a mapping: EINVAL vs ENOENT');
        if (k?.driver === 'type1')
          return R(
            '#38',
            'UNMAP_DMA (v1): whole-mapping removal and "size 0" vs splitting areas (TYPE1 emulated by disabling large pages)',
          );
      }
      break;
    case 'VFIO_GROUP_GET_DEVICE_FD':
      if (phase === 'none' || isErr(legacy, 'EINVAL'))
        return R('#47', 'GET_DEVICE_FD before SET_IOMMU: EINVAL vs an fd (bound and attached to the compat IOAS)');
      break;
    case 'VFIO_GROUP_UNSET_CONTAINER':
      if (isErr(legacy, 'EBUSY')) return R('#50', 'UNSET_CONTAINER while a device fd is open: EBUSY vs 0');
      break;
    case 'VFIO_GROUP_SET_CONTAINER':
      if (isErr(legacy, 'EPERM') && isErr(compat, 'EINVAL'))
        return R('#14', 'mixing no-IOMMU and normal groups in one container: EPERM vs EINVAL');
      if (isErr(legacy, 'EPERM') && isOk(compat)) return NO_NOIOMMU_V62;
      if (isOk(legacy) && isErr(compat, 'EINVAL')) {
        const id = legacyBefore.fdTables[a.actor]?.[a.fd];
        const g = id === undefined ? undefined : legacyBefore.files[id];
        return g?.kind === 'group' && groupKind?.(g.group) === 'noiommu' ? COMPAT_OUTLIVES_GROUPS : NOIOMMU_STICKY;
      }
      break;
    case 'open_group':
      if (isErr(legacy, 'EBUSY') && isOk(compat)) return GROUP_NOT_PINNED;
      break;
    case 'close':
    case 'pass_fd':
    case 'open':
    case 'VFIO_GET_API_VERSION':
      break;
    default:
      if (isErr(legacy, 'EINVAL') && isErr(compat, 'ENOTTY'))
        return R('#23', 'an ioctl the container does not know, before SET_IOMMU: EINVAL vs ENOTTY');
  }
  if (isErr(legacy, 'EINVAL') && isErr(compat, 'ENOTTY'))
    return R('#23', 'an ioctl the container does not know, before SET_IOMMU: EINVAL vs ENOTTY');
  return {
    id: `new-${a.kind}`,
    title: `${a.kind}: a difference legacy-vfio.md does not list`,
    status: 'undocumented',
    source: 'found by the search',
  };
}
