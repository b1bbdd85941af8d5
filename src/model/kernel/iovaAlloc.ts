// io_pagetable.c iopt_alloc_iova(): the IOVA IOMMU_IOAS_MAP picks without FIXED_IOVA. It depends on the user VA
// (its lowest set bit caps the alignment), so it is modelled only where a scenario gives the VA.
import type { IoasObject, IovaRange } from '../state.ts';
import { PAGE_SIZE, U64_MAX } from './iopt.ts';
import { holes } from './iovaGeometry.ts';

export type IovaAllocation =
  | { readonly ok: true; readonly iova: number }
  | { readonly ok: false; readonly errno: 'EINVAL' | 'ENOSPC' };

const roundupPow2 = (n: bigint): bigint => {
  let p = 1n;
  while (p < n) p <<= 1n;
  return p;
};
const lowBit = (n: bigint): bigint => n & -n;

/**
 * iopt_alloc_iova(uptr, length): alignment = roundup_pow_of_two(length), capped by 1 << __ffs(uptr) when uptr
 * is not 0; below the IOAS alignment -> EINVAL. Then the first hole of (reserved ∪ areas) inside the allowed
 * spans (or [PAGE_SIZE, ULONG_MAX - PAGE_SIZE]) where ALIGN(start, alignment) | (uptr % PAGE_SIZE) still fits
 * `length` (__alloc_iova_check_hole()); no hole -> ENOSPC. Never returns IOVA 0. The newest kernels also cap the
 * alignment at PAGE_SIZE or the THP size, which the selftest buffers (2 MiB aligned) do not reach for the
 * lengths the scenarios map.
 */
export function allocIova(
  ioas: IoasObject,
  reserved: readonly IovaRange[],
  ioasAlignment: number,
  uptr: number,
  length: number,
): IovaAllocation {
  const len = BigInt(length);
  const va = BigInt(uptr);
  let align = roundupPow2(len);
  if (va !== 0n && lowBit(va) < align) align = lowBit(va);
  if (align < BigInt(ioasAlignment)) return { ok: false, errno: 'EINVAL' };
  const pageOffset = va % BigInt(PAGE_SIZE);
  const top = BigInt(U64_MAX) - 1n - BigInt(PAGE_SIZE); // ULONG_MAX - PAGE_SIZE
  const spans = (
    ioas.allowed.length > 0 ? [...ioas.allowed].sort((a, b) => a.start - b.start) : [{ start: 0, last: U64_MAX }]
  ).map((s) => ({ start: BigInt(Math.max(s.start, PAGE_SIZE)), last: BigInt(s.last) < top ? BigInt(s.last) : top }));
  const used = holes([...reserved, ...ioas.areas.map((a) => ({ start: a.iova, last: a.last }))]);
  for (const span of spans) {
    for (const h of used) {
      let start = BigInt(h.start) < span.start ? span.start : BigInt(h.start);
      const last = BigInt(h.last) >= BigInt(U64_MAX) || BigInt(h.last) > span.last ? span.last : BigInt(h.last);
      if (start > last || last - start < len - 1n) continue;
      start = (((start + align - 1n) / align) * align) | pageOffset;
      if (start > last || last - start < len - 1n) continue;
      return { ok: true, iova: Number(start) };
    }
  }
  return { ok: false, errno: 'ENOSPC' };
}
