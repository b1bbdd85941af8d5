// type1 map/unmap (vfio_iommu_type1.c vfio_dma_do_map()/vfio_dma_do_unmap()) over a container's mappings.
import type { Dma } from './state.ts';

export const overlapsDma = (dma: readonly Dma[], iova: number, last: number): boolean =>
  dma.some((d) => d.iova <= last && d.last >= iova);

export type UnmapResult =
  | { readonly kind: 'ok'; readonly dma: readonly Dma[]; readonly size: number }
  /** v2 refuses to bisect a mapping: EINVAL, nothing unmapped, size not written back. */
  | { readonly kind: 'bisect' };

/**
 * Unmap [iova, last]. v2: a first byte inside a mapping that does not start there, or a last byte inside one
 * that does not end there, is EINVAL before anything is removed. v1: the loop stops at the first mapping found
 * that starts before iova (success, size 0); every mapping it removes goes whole, even past the range's end.
 * vfio_find_dma() walks an rb-tree; the model takes the lowest overlapping mapping first (an approximation
 * of the tree's search order that only matters when several mappings overlap the range).
 */
export function unmapType1(dma: readonly Dma[], iova: number, last: number, v2: boolean): UnmapResult {
  if (v2) {
    if (dma.some((d) => d.iova < iova && d.last >= iova)) return { kind: 'bisect' };
    if (dma.some((d) => d.iova <= last && d.last > last)) return { kind: 'bisect' };
  }
  const hit = dma.filter((d) => d.iova <= last && d.last >= iova).sort((a, b) => a.iova - b.iova);
  if (!v2 && hit[0] !== undefined && hit[0].iova < iova) return { kind: 'ok', dma, size: 0 };
  const size = hit.reduce((n, d) => n + (d.last - d.iova + 1), 0);
  return { kind: 'ok', dma: dma.filter((d) => !hit.includes(d)), size };
}
