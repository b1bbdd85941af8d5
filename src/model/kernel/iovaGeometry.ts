// What an IOAS's io_pagetable allows beyond its areas: iopt->reserved_itree (ADD_RESERVED ranges and, per
// attached domain, everything outside the domain's aperture) and iopt->iova_alignment. Known for the selftest's
// mock domains only: a real device's domain brings its driver's aperture and page sizes, which are not modelled.
import type { CtxId } from '../ids.ts';
import type { IoasObject, IovaRange } from '../state.ts';
import { PAGE_SIZE, U64_MAX } from './iopt.ts';
import { MOCK_APERTURE_LAST, MOCK_APERTURE_START, MOCK_PAGE_SIZE } from './mock.ts';
import { obj } from './objects.ts';
import type { Tx } from './tx.ts';

const hasDomains = (ioas: IoasObject) => ioas.hwptList.length > 0;

/** Whether every domain on the IOAS is a mock domain (null: a real driver's domain is attached). */
function mockDomains(tx: Tx, c: CtxId, ioas: IoasObject): boolean | null {
  let mock = false;
  for (const h of ioas.hwptList) {
    const o = obj(tx, c, h);
    if (o.type !== 'HWPT_PAGING' || !o.mock) return null;
    mock = true;
  }
  return mock;
}

/**
 * iopt->reserved_itree: the ADD_RESERVED ranges plus, with a mock domain (iopt_table_enforce_dev_resv_regions()
 * / iopt_table_add_domain() reserve outside the aperture), [0, MOCK_APERTURE_START - 1] and
 * [MOCK_APERTURE_LAST + 1, ULONG_MAX]. Null when a real device's domain is attached.
 */
export function reservedRanges(tx: Tx, c: CtxId, ioas: IoasObject): readonly IovaRange[] | null {
  const mock = mockDomains(tx, c, ioas);
  if (mock === null) return null;
  if (!mock) return ioas.reserved;
  return [
    ...ioas.reserved,
    { start: 0, last: MOCK_APERTURE_START - 1 },
    { start: MOCK_APERTURE_LAST + 1, last: U64_MAX },
  ];
}

/**
 * iopt_calculate_iova_alignment(): PAGE_SIZE with large pages disabled, else 1; raised to the smallest page of
 * each domain (MOCK_PAGE_SIZE) and to PAGE_SIZE by an access that pins pages (iommufd_access_create(),
 * inferred). Null when a real device's domain is attached.
 */
export function iovaAlignment(tx: Tx, c: CtxId, ioasId: number, ioas: IoasObject): number | null {
  const mock = mockDomains(tx, c, ioas);
  if (mock === null) return null;
  let align = ioas.largePagesDisabled ? PAGE_SIZE : 1;
  if (mock && hasDomains(ioas)) align = Math.max(align, MOCK_PAGE_SIZE);
  for (const f of tx.world.files) {
    if (f?.kind !== 'access' || f.ctx !== c || !f.needsPin) continue;
    const a = obj(tx, c, f.access);
    if (a.type === 'ACCESS' && a.ioas === ioasId) align = Math.max(align, PAGE_SIZE);
  }
  return align;
}

export const intersects = (ranges: readonly IovaRange[], start: number, last: number): boolean =>
  ranges.some((r) => r.start <= last && r.last >= start);

/** The holes of `ranges` over [0, ULONG_MAX] in ascending order (interval_tree_for_each_span() is_hole). */
export function holes(ranges: readonly IovaRange[]): readonly IovaRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: IovaRange[] = [];
  let next = 0;
  // ULONG_MAX is 2^64 here (a double), so "reaches the end" is tracked rather than computed as last + 1.
  let toEnd = false;
  for (const r of sorted) {
    if (r.start > next) out.push({ start: next, last: r.start - 1 });
    next = Math.max(next, r.last + 1);
    if (r.last >= U64_MAX) toEnd = true;
  }
  if (!toEnd) out.push({ start: next, last: U64_MAX });
  return out;
}
