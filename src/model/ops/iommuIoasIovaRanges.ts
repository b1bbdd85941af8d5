import type { ActionOf } from '../actions.ts';
import { holes, iovaAlignment, reservedRanges } from '../kernel/iovaGeometry.ts';
import { ioasOf } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, type Out, ok } from '../result.ts';

/**
 * IOMMU_IOAS_IOVA_RANGES: ioas.c iommufd_ioas_iova_ranges(): not an IOAS -> ENOENT; the holes of
 * iopt->reserved_itree over [0, ULONG_MAX], written while num_iovas has room; num_iovas becomes the total and
 * out_iova_alignment the IOAS alignment; the struct is copied back, then EMSGSIZE if the total did not fit.
 */
export function iommuIoasIovaRanges(tx: Tx, a: ActionOf<'IOMMU_IOAS_IOVA_RANGES'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  // ioas.c iommufd_ioas_iova_ranges(): a non-zero __reserved -> EOPNOTSUPP before the IOAS lookup.
  if (a.reserved !== 0) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  const ioas = ioasOf(tx, c, a.ioas_id);
  if (ioas === undefined) return err('ENOENT');
  const reserved = reservedRanges(tx, c, a.ioas_id, ioas);
  const align = iovaAlignment(tx, c, a.ioas_id, ioas);
  const spans = holes(reserved);
  const out: Record<string, number> = { num_iovas: spans.length, out_iova_alignment: align };
  spans.slice(0, a.num_iovas).forEach((r, i) => {
    out[`allowed_iovas[${i}].start`] = r.start;
    out[`allowed_iovas[${i}].last`] = r.last;
  });
  return spans.length > a.num_iovas ? err('EMSGSIZE', out as Out) : ok(0, out as Out);
}
