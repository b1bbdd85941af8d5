// IOVA areas of one IOAS (io_pagetable.c), as sorted inclusive intervals. Pure functions over Area lists.
import type { Area } from '../state.ts';

export const PAGE_SIZE = 4096;
/** U64_MAX as a JS number rounds to 2^64; IOMMU_IOAS_UNMAP's "unmap all" is iova 0, length U64_MAX. */
export const U64_MAX = 2 ** 64;

export const overlaps = (areas: readonly Area[], iova: number, last: number): boolean =>
  areas.some((a) => a.iova <= last && a.last >= iova);

export function insertArea(areas: readonly Area[], area: Area): readonly Area[] {
  return [...areas, area].sort((a, b) => a.iova - b.iova);
}

/** iopt_area_split(): cut so that `at` becomes the last byte of an area (no-op at an edge or in a hole). */
export function cutAt(areas: readonly Area[], at: number): readonly Area[] {
  const i = areas.findIndex((a) => a.iova < at && at < a.last);
  if (i < 0) return areas;
  const a = areas[i] as Area;
  return [...areas.slice(0, i), { iova: a.iova, last: at }, { iova: at + 1, last: a.last }, ...areas.slice(i + 1)];
}

export interface UnmapOutcome {
  readonly areas: readonly Area[];
  readonly unmapped: number;
  /** 'ENOENT' when an intersecting area is not wholly inside the range, or nothing was inside it. */
  readonly stop: 'done' | 'bisected';
}

/**
 * iopt_unmap_iova_range(): repeatedly take the lowest area intersecting [start, last]; an area that sticks out
 * of the range stops the loop with ENOENT, after the lower areas were already removed (not atomic).
 */
export function unmapRange(areas: readonly Area[], start: number, last: number): UnmapOutcome {
  let rest = areas;
  let unmapped = 0;
  for (;;) {
    const a = rest.find((x) => x.iova <= last && x.last >= start);
    if (a === undefined) return { areas: rest, unmapped, stop: 'done' };
    if (a.iova < start || a.last > last) return { areas: rest, unmapped, stop: 'bisected' };
    rest = rest.filter((x) => x !== a);
    unmapped += a.last - a.iova + 1;
  }
}

export const isPageAligned = (n: number): boolean => n % PAGE_SIZE === 0;
