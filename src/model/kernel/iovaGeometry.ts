// What an IOAS's io_pagetable allows beyond its areas: iopt->reserved_itree (ADD_RESERVED ranges; per domain on
// the IOAS, everything outside the domain's aperture; per attached device, its reserved regions) and
// iopt->iova_alignment. The selftest's mock domains bring the mock geometry; a physical device's domain brings
// the topology's IOMMU geometry (Topology.iommuGeometry: the lab's emulated VT-d by default).
import type { CtxId } from '../ids.ts';
import type { IoasObject, IovaRange } from '../state.ts';
import { PAGE_SIZE, U64_MAX } from './iopt.ts';
import { MOCK_APERTURE_LAST, MOCK_APERTURE_START, MOCK_PAGE_SIZE } from './mock.ts';
import { obj } from './objects.ts';
import type { Tx } from './tx.ts';

/** The kinds of domain on the IOAS: each HWPT_PAGING on hwpt_list holds one (added to the iopt at allocation). */
function domains(tx: Tx, c: CtxId, ioas: IoasObject): { readonly mock: boolean; readonly real: boolean } {
  let mock = false;
  let real = false;
  for (const h of ioas.hwptList) {
    const o = obj(tx, c, h);
    if (o.type !== 'HWPT_PAGING') continue;
    if (o.mock) mock = true;
    else real = true;
  }
  return { mock, real };
}

/** A physical device is attached to a domain of this IOAS: its reserved regions (the MSI window) are enforced
 * (iommufd_device_attach_reserved_iova() at attach, removed at detach). */
function realDeviceAttached(tx: Tx, c: CtxId, ioasId: number): boolean {
  for (const o of tx.world.ctxs[c]?.objects ?? []) {
    if (o?.type !== 'DEVICE' || o.hwpt === null) continue;
    const h = obj(tx, c, o.hwpt);
    if (h.type === 'HWPT_PAGING' && !h.mock && h.ioas === ioasId) return true;
  }
  return false;
}

/**
 * iopt->reserved_itree: the ADD_RESERVED ranges plus, with a mock domain (iopt_table_add_domain() reserves
 * outside the aperture), [0, MOCK_APERTURE_START - 1] and [MOCK_APERTURE_LAST + 1, ULONG_MAX]; with a physical
 * device's domain, everything above its aperture, and while such a device is attached, its MSI window.
 */
export function reservedRanges(tx: Tx, c: CtxId, ioasId: number, ioas: IoasObject): readonly IovaRange[] {
  const d = domains(tx, c, ioas);
  if (!d.mock && !d.real) return ioas.reserved;
  const g = tx.topo.iommuGeometry;
  return [
    ...ioas.reserved,
    ...(d.mock
      ? [
          { start: 0, last: MOCK_APERTURE_START - 1 },
          { start: MOCK_APERTURE_LAST + 1, last: U64_MAX },
        ]
      : []),
    ...(d.real ? [{ start: g.apertureLast + 1, last: U64_MAX }] : []),
    ...(d.real && realDeviceAttached(tx, c, ioasId) ? [g.msiWindow] : []),
  ];
}

/**
 * iopt_calculate_iova_alignment(): PAGE_SIZE with large pages disabled, else 1; raised to the smallest page of
 * each domain (MOCK_PAGE_SIZE, the IOMMU's page) and to PAGE_SIZE by an access that pins pages
 * (device.c iommufd_access_create(): needs_pin_pages -> PAGE_SIZE).
 */
export function iovaAlignment(tx: Tx, c: CtxId, ioasId: number, ioas: IoasObject): number {
  const d = domains(tx, c, ioas);
  let align = ioas.largePagesDisabled ? PAGE_SIZE : 1;
  if (d.mock) align = Math.max(align, MOCK_PAGE_SIZE);
  if (d.real) align = Math.max(align, tx.topo.iommuGeometry.pageSize);
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

/**
 * io_pagetable.c iopt_table_add_domain() for a physical device's new domain on an IOAS that has none yet:
 * iopt_check_iova_alignment() (every area's IOVA and length a multiple of the IOMMU's page, else EADDRINUSE) and
 * iopt_reserve_iova() beyond the aperture (an area there: EADDRINUSE). Null: the domain can be added.
 */
export function addRealDomainError(tx: Tx, c: CtxId, ioas: IoasObject): 'EADDRINUSE' | null {
  if (domains(tx, c, ioas).real) return null;
  const g = tx.topo.iommuGeometry;
  for (const a of ioas.areas) {
    if (a.iova % g.pageSize !== 0 || (a.last + 1 - a.iova) % g.pageSize !== 0) return 'EADDRINUSE';
    if (a.last > g.apertureLast) return 'EADDRINUSE';
  }
  return null;
}

/** iommufd_device_attach_reserved_iova() -> iopt_table_enforce_dev_resv_regions(): an area inside the device's
 * MSI window makes the attach fail with EADDRINUSE. */
export function devResvError(tx: Tx, ioas: IoasObject): 'EADDRINUSE' | null {
  const w = tx.topo.iommuGeometry.msiWindow;
  return ioas.areas.some((a) => a.iova <= w.last && a.last >= w.start) ? 'EADDRINUSE' : null;
}
