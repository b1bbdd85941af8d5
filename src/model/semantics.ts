// Semantics profiles: one per kernel version modelled, plus design variants from the 2022 review.
// Each flag names one behavioural difference and cites where it comes from; ops read flags, never versions,
// so a variant or a bug flag is just another combination of flags.

// v6.12 is the stable 6.12.y kernel the real-kernel lab boots (Debian 12's 6.12.118): mainline 6.12 plus the
// stable backports the lab's source and runs show (each a flag below with its evidence).
export const KERNEL_VERSIONS = ['v6.2', 'v6.3', 'v6.6', 'v6.12', 'latest'] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** Design alternatives from the 2022 review, applied on top of a kernel version. */
export const VARIANTS = ['cached-compat-id', 'ioas-set-busy', 'uapi-comment'] as const;
/** Bugs no version profile shows on its own (review-caught pre-merge defects), injected on purpose. */
export const BUG_FLAGS = [
  'bug-emulated-unbind-skipped',
  'bug-attached-at-bind',
  'bug-compat-not-stored',
  // B3: reachable from userspace only where a device can attach by HWPT id (cdev, v6.6+).
  'bug-hwpt-list-double-add',
  // Race bugs, read by the threaded model (src/model/threads/threadSemantics.ts): B4, B5, B6.
  'bug-auto-domain-early-unlock',
  'bug-destroy-takes-ref',
  'bug-put-object-uaf',
] as const;
export type Variant = (typeof VARIANTS)[number] | (typeof BUG_FLAGS)[number];

export interface Semantics {
  /** Canonical name, e.g. `v6.6` or `v6.6+cached-compat-id`. */
  readonly name: string;
  readonly version: KernelVersion;
  readonly variants: readonly Variant[];
  /** v6.2 iommufd_vfio_compat_ioas_id(): SET_CONTAINER and each first device open create the compat IOAS if
   * there is none. v6.3+ (c9a397cee9f5) creates only at SET_CONTAINER; first open uses get_id (ENODEV). */
  readonly compatCreateAtOpen: boolean;
  /** v6.3+ no_iommu_mode, VFIO_NOIOMMU_IOMMU emulation, noiommu group handling (c9a397cee9f5). */
  readonly noIommuCompat: boolean;
  /** v6.6+ vfio cdev (device_cdev.c): /dev/vfio/devices/vfioX, BIND/ATTACH/DETACH_IOMMUFD_PT. */
  readonly cdev: boolean;
  /** v6.6+ the device file records df->iommufd at open; close unbinds through it. v6.2-v6.4 close reads
   * group->iommufd at close time (vfio_device_group_close()), so UNSET_CONTAINER first skips the unbind (L1). */
  readonly closeUsesDfIommufd: boolean;
  /** v6.4+ emulated devices create their ACCESS at bind and attach it separately (vfio/iommufd.c). */
  readonly emulatedAccessAtBind: boolean;
  /** v6.6+ physical_attach_ioas() replaces when already attached; igroup: one HWPT per group (device.c). */
  readonly attachReplace: boolean;
  /** v6.6+ IOMMU_HWPT_ALLOC exists (hw_pagetable.c iommufd_hwpt_alloc()). */
  readonly hwptAlloc: boolean;
  /** IOMMU_HWPT_ALLOC with a bad pt_id: ENOENT up to v6.6, EINVAL from v6.7. */
  readonly hwptAllocBadPtErrno: 'ENOENT' | 'EINVAL';
  /** Later than v6.12, device_cdev.c gives the cdev ioctls' flag bit 0 a meaning (VFIO_DEVICE_BIND_FLAG_TOKEN,
   * VFIO_DEVICE_ATTACH_PASID / DETACH): outside the model; up to v6.12 any flag is EINVAL. */
  readonly cdevFlagBit0: boolean;
  /** v6.12 hw_pagetable.c: IOMMU_HWPT_ALLOC's flags are checked in iommufd_hwpt_paging_alloc(), after the dev_id
   * and pt_id lookups, against valid_flags (NEST_PARENT | DIRTY_TRACKING: FAULT_ID_VALID is refused there too),
   * then by the IOMMU driver. null: v6.6 checks them first; latest keeps the unknown-bits-first order of the
   * reference notes (not yet checked against a lab). */
  readonly hwptPagingValidFlags: number | null;
  /** B11: v6.6-v6.16 vfio_df_group_open() returns a noiommu device fd without vfio_df_open() (6086efe73498;
   * fixed by b25e271b3779 + 982ddd59ed97 for v6.17). */
  readonly bugNoiommuOpenSkipsDfOpen: boolean;
  /** B12: compat VFIO_IOMMU_UNMAP_DMA of an empty range gives ENOENT (fixed by afb47765f923, Nov 2025). */
  readonly bugCompatEmptyUnmapEnoent: boolean;
  /** B13: VFIO_CHECK_EXTENSION(TYPE1*) returns 1 in no_iommu_mode (v6.3 until 7147ec874ea0, Feb 2026). */
  readonly bugCheckExtensionTypeInNoIommu: boolean;
  /** v6.11+ (996dc53ac289) ioas.c iommufd_ioas_map()/copy(): neither IOMMU_IOAS_MAP_READABLE nor WRITEABLE
   * -> EINVAL; before, such a map was accepted. */
  readonly mapNeedsReadOrWrite: boolean;
  /** v6.11+ struct iommu_hwpt_alloc grew fault_id/__reserved2 (48 bytes; 24 in v6.6, where data_* did not exist
   * yet in the model's accounting) and struct iommu_hw_info out_capabilities (40 bytes). */
  readonly hwptAllocFaultId: boolean;
  /** Until v6.13 (35890f85573c) the legacy type1 container accepts VFIO_TYPE1_NESTING_IOMMU (as type1v2) and
   * CHECK_EXTENSION says 1 for it; from v6.13 it is gone (ENODEV / 0). */
  readonly legacyType1Nesting: boolean;
  /** Design variant from the review (Kevin Tian, v2 07/11): VFIO caches the compat IOAS id per group at the
   * first device attach and attaches later opens to that id. Rejected by Jason Gunthorpe (Y20y6MnCn+pqXcnI). */
  readonly cachedCompatId: boolean;
  /** Design variant (Kevin Tian, v3 14/15 review): IOMMU_VFIO_IOAS SET is refused with EBUSY while the current
   * compat IOAS has devices attached. */
  readonly ioasSetBusy: boolean;
  /** Design variant: what the uAPI comment promises: a group keeps the IOAS it got at SET_CONTAINER for its
   * device opens, and the container ioctls use the IOAS of the first group on the iommufd. */
  readonly uapiComment: boolean;
  /** Review-caught defect (v1 of "Connect VFIO to IOMMUFD"): unbind guarded by `if (!vdev->iommufd_device)
   * return;`, which emulated devices never have, so their unbind is skipped (Kevin Tian). */
  readonly bugEmulatedUnbindSkipped: boolean;
  /** Review-caught defect: iommufd_attached set in the generic bind, not in the physical attach (Yi Liu,
   * Y3JVHh8RY4XGb+Ss): an unbind after a failed attach detaches a device that was never attached. */
  readonly bugAttachedAtBind: boolean;
  /** Early RFC vfio_compat.c (nicolinc/iommufd @00d74b2f): create_compat_ioas() never stored ictx->vfio_ioas,
   * so every SET_CONTAINER made a fresh IOAS and VFIO never found one. */
  readonly bugCompatNotStored: boolean;
  /** B3 (b4ff830eca09, CVE-2023-54043): the first device attached by HWPT id adds the HWPT to hwpt_list twice. */
  readonly bugHwptListDoubleAdd: boolean;
}

type VariantFlags =
  | 'cachedCompatId'
  | 'ioasSetBusy'
  | 'uapiComment'
  | 'bugEmulatedUnbindSkipped'
  | 'bugAttachedAtBind'
  | 'bugCompatNotStored'
  | 'bugHwptListDoubleAdd';

const BASE: Record<KernelVersion, Omit<Semantics, 'name' | 'variants' | VariantFlags>> = {
  'v6.2': {
    version: 'v6.2',
    compatCreateAtOpen: true,
    noIommuCompat: false,
    cdev: false,
    closeUsesDfIommufd: false,
    emulatedAccessAtBind: false,
    attachReplace: false,
    hwptAlloc: false,
    hwptAllocBadPtErrno: 'ENOENT',
    hwptPagingValidFlags: null,
    cdevFlagBit0: false,
    bugNoiommuOpenSkipsDfOpen: false,
    bugCompatEmptyUnmapEnoent: true,
    bugCheckExtensionTypeInNoIommu: false,
    mapNeedsReadOrWrite: false,
    hwptAllocFaultId: false,
    legacyType1Nesting: true,
  },
  'v6.3': {
    version: 'v6.3',
    compatCreateAtOpen: false,
    noIommuCompat: true,
    cdev: false,
    closeUsesDfIommufd: false,
    emulatedAccessAtBind: false,
    attachReplace: false,
    hwptAlloc: false,
    hwptAllocBadPtErrno: 'ENOENT',
    hwptPagingValidFlags: null,
    cdevFlagBit0: false,
    bugNoiommuOpenSkipsDfOpen: false,
    bugCompatEmptyUnmapEnoent: true,
    bugCheckExtensionTypeInNoIommu: true,
    mapNeedsReadOrWrite: false,
    hwptAllocFaultId: false,
    legacyType1Nesting: true,
  },
  'v6.6': {
    version: 'v6.6',
    compatCreateAtOpen: false,
    noIommuCompat: true,
    cdev: true,
    closeUsesDfIommufd: true,
    emulatedAccessAtBind: true,
    attachReplace: true,
    hwptAlloc: true,
    hwptAllocBadPtErrno: 'ENOENT',
    hwptPagingValidFlags: null,
    cdevFlagBit0: false,
    bugNoiommuOpenSkipsDfOpen: true,
    bugCompatEmptyUnmapEnoent: true,
    bugCheckExtensionTypeInNoIommu: true,
    mapNeedsReadOrWrite: false,
    hwptAllocFaultId: false,
    legacyType1Nesting: true,
  },
  // Debian 12's 6.12.118 (the lab): the three 2025/2026 compat fixes are stable backports there, seen in its
  // source: group.c vfio_df_group_open() calls vfio_df_open() for no-IOMMU devices too (B11 fixed);
  // io_pagetable.c iopt_unmap_iova_range() starts at rc = 0 "If there are no mapped entries then success" and
  // ioas.c iommufd_ioas_unmap() keeps ENOENT for itself (B12 fixed); vfio_compat.c
  // iommufd_vfio_check_extension() returns !ictx->no_iommu_mode for TYPE1* (B13 fixed).
  'v6.12': {
    version: 'v6.12',
    compatCreateAtOpen: false,
    noIommuCompat: true,
    cdev: true,
    closeUsesDfIommufd: true,
    emulatedAccessAtBind: true,
    attachReplace: true,
    hwptAlloc: true,
    hwptAllocBadPtErrno: 'EINVAL',
    hwptPagingValidFlags: 0x3,
    cdevFlagBit0: false,
    bugNoiommuOpenSkipsDfOpen: false,
    bugCompatEmptyUnmapEnoent: false,
    bugCheckExtensionTypeInNoIommu: false,
    mapNeedsReadOrWrite: true,
    hwptAllocFaultId: true,
    legacyType1Nesting: true,
  },
  latest: {
    version: 'latest',
    compatCreateAtOpen: false,
    noIommuCompat: true,
    cdev: true,
    closeUsesDfIommufd: true,
    emulatedAccessAtBind: true,
    attachReplace: true,
    hwptAlloc: true,
    hwptAllocBadPtErrno: 'EINVAL',
    hwptPagingValidFlags: null,
    cdevFlagBit0: true,
    bugNoiommuOpenSkipsDfOpen: false,
    bugCompatEmptyUnmapEnoent: false,
    bugCheckExtensionTypeInNoIommu: false,
    mapNeedsReadOrWrite: true,
    hwptAllocFaultId: true,
    legacyType1Nesting: false,
  },
};

export type ParseResult =
  | { readonly kind: 'ok'; readonly semantics: Semantics }
  | { readonly kind: 'error'; readonly message: string };

const isVersion = (s: string): s is KernelVersion => (KERNEL_VERSIONS as readonly string[]).includes(s);
const isVariant = (s: string): s is Variant =>
  (VARIANTS as readonly string[]).includes(s) || (BUG_FLAGS as readonly string[]).includes(s);

/** Parses `v6.6` or `v6.6+cached-compat-id`; the error names the bad part and lists what exists. */
export function parseSemantics(name: string): ParseResult {
  const [version, ...suffixes] = name.split('+');
  if (version === undefined || !isVersion(version)) {
    return { kind: 'error', message: `unknown semantics profile '${name}' (versions: ${KERNEL_VERSIONS.join(', ')})` };
  }
  const variants: Variant[] = [];
  for (const s of suffixes) {
    if (!isVariant(s)) {
      return {
        kind: 'error',
        message: `unknown design variant '+${s}' in '${name}' (variants: ${[...VARIANTS, ...BUG_FLAGS].map((v) => `+${v}`).join(', ')})`,
      };
    }
    if (!variants.includes(s)) variants.push(s);
  }
  variants.sort();
  const canonical = [version, ...variants].join('+');
  return {
    kind: 'ok',
    semantics: {
      ...BASE[version],
      name: canonical,
      variants,
      cachedCompatId: variants.includes('cached-compat-id'),
      ioasSetBusy: variants.includes('ioas-set-busy'),
      uapiComment: variants.includes('uapi-comment'),
      bugEmulatedUnbindSkipped: variants.includes('bug-emulated-unbind-skipped'),
      bugAttachedAtBind: variants.includes('bug-attached-at-bind'),
      bugCompatNotStored: variants.includes('bug-compat-not-stored'),
      bugHwptListDoubleAdd: variants.includes('bug-hwpt-list-double-add'),
    },
  };
}

/** Like parseSemantics for names known to be valid (built-in lists); a typo there is a programming error. */
export function semantics(name: string): Semantics {
  const r = parseSemantics(name);
  if (r.kind === 'error') throw new Error(r.message);
  return r.semantics;
}

/** The profiles `ioas-check check` runs by default: every kernel version and the review's cached-id design. */
export const DEFAULT_PROFILES: readonly string[] = ['v6.2', 'v6.3', 'v6.6', 'v6.12', 'latest', 'v6.6+cached-compat-id'];
