// uAPI constant names a scenario may write instead of numbers. Names resolve per field: each field names a
// family, and a family accepts its full names (`IOMMU_VFIO_IOAS_GET`) and the short form without the family's
// prefix (`GET`); `|` joins flags. Numbers above 2^53 are written as decimal strings or `UINT64_MAX`.

export interface Family {
  readonly prefix: string;
  readonly values: Readonly<Record<string, number>>;
}

const fam = (prefix: string, values: Record<string, number>): Family => ({ prefix, values });

export const FAMILIES = {
  VFIO_IOAS_OP: fam('IOMMU_VFIO_IOAS_', { GET: 0, SET: 1, CLEAR: 2 }),
  OPTION_OP: fam('IOMMU_OPTION_OP_', { SET: 0, GET: 1 }),
  OPTION_ID: fam('IOMMU_OPTION_', { RLIMIT_MODE: 0, HUGE_PAGES: 1 }),
  IOAS_MAP_FLAGS: fam('IOMMU_IOAS_MAP_', { FIXED_IOVA: 1, WRITEABLE: 2, READABLE: 4 }),
  DMA_MAP_FLAGS: fam('VFIO_DMA_MAP_FLAG_', { READ: 1, WRITE: 2, VADDR: 4 }),
  DMA_UNMAP_FLAGS: fam('VFIO_DMA_UNMAP_FLAG_', { GET_DIRTY_BITMAP: 1, ALL: 2, VADDR: 4 }),
  VFIO_EXT: fam('VFIO_', {
    TYPE1_IOMMU: 1,
    SPAPR_TCE_IOMMU: 2,
    TYPE1v2_IOMMU: 3,
    DMA_CC_IOMMU: 4,
    EEH: 5,
    TYPE1_NESTING_IOMMU: 6,
    SPAPR_TCE_v2_IOMMU: 7,
    NOIOMMU_IOMMU: 8,
    UNMAP_ALL: 9,
    UPDATE_VADDR: 10,
  }),
  HWPT_ALLOC_FLAGS: fam('IOMMU_HWPT_ALLOC_', { NEST_PARENT: 1, DIRTY_TRACKING: 2, PASID: 8 }),
  ACCESS_CREATE_FLAGS: fam('MOCK_FLAGS_ACCESS_CREATE_', { NEEDS_PIN_PAGES: 1 }),
  ACCESS_PAGES_FLAGS: fam('MOCK_FLAGS_ACCESS_', { WRITE: 1, SYZ: 1 << 16 }),
} as const;

export type FamilyName = keyof typeof FAMILIES;

/** Accepted in every numeric field: integer limits and the selftest's mock constants (4 KiB pages). */
export const GLOBALS: Readonly<Record<string, number>> = {
  UINT64_MAX: 2 ** 64 - 1,
  SIZE_MAX: 2 ** 64 - 1,
  UINT32_MAX: 2 ** 32 - 1,
  PAGE_SIZE: 4096,
  MOCK_PAGE_SIZE: 2048,
  MOCK_APERTURE_START: 2 ** 24,
  MOCK_APERTURE_LAST: 2 ** 31 - 1,
};

export type ConstResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly error: string };

/** One name or number: a decimal string, a global, or a family name (full or short). */
function one(word: string, family: Family | null): ConstResult {
  const w = word.trim();
  if (/^[0-9]+$/.test(w)) return { ok: true, value: Number(w) };
  if (/^0x[0-9a-fA-F]+$/.test(w)) return { ok: true, value: Number.parseInt(w.slice(2), 16) };
  const g = GLOBALS[w];
  if (g !== undefined) return { ok: true, value: g };
  if (family !== null) {
    const short = w.startsWith(family.prefix) ? w.slice(family.prefix.length) : w;
    const v = family.values[short];
    if (v !== undefined) return { ok: true, value: v };
    return {
      ok: false,
      error: `unknown constant ${JSON.stringify(w)} (known: ${Object.keys(family.values).join(', ')}, with or without ${family.prefix})`,
    };
  }
  return {
    ok: false,
    error: `unknown constant ${JSON.stringify(w)} (a number, a decimal string or ${Object.keys(GLOBALS).join(', ')})`,
  };
}

/** A constant expression: names or numbers joined by `|`. */
export function resolveConstant(text: string, family: Family | null): ConstResult {
  let value = 0;
  const parts = text.split('|');
  for (const p of parts) {
    const r = one(p, family);
    if (!r.ok) return r;
    // Flags are small; a single part may be a large u64 (UINT64_MAX) that bitwise-or would truncate.
    value = parts.length === 1 ? r.value : value | r.value;
  }
  return { ok: true, value };
}
