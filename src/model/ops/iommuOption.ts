import type { ActionOf } from '../actions.ts';
import { objectId } from '../ids.ts';
import { ctxOf, ioasOf, putObj, setCtx } from '../kernel/objects.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** enum iommufd_option and enum iommufd_option_ops (include/uapi/linux/iommufd.h). */
export const IOMMU_OPTION_ID = { RLIMIT_MODE: 0, HUGE_PAGES: 1 } as const;
export const IOMMU_OPTION_OP = { SET: 0, GET: 1 } as const;

/**
 * IOMMU_OPTION: main.c iommufd_option(): __reserved -> EOPNOTSUPP; RLIMIT_MODE (iommufd_option_rlimit_mode()):
 * object_id != 0 -> EOPNOTSUPP, GET gives account_mode == MM, SET (actors have CAP_SYS_RESOURCE) -> EBUSY unless
 * the object table is empty, val64 0/1 else EINVAL; HUGE_PAGES (ioas.c iommufd_ioas_option()): not an IOAS ->
 * ENOENT, GET gives !disable_large_pages, SET 0 -> iopt_disable_large_pages() (EINVAL with domains and areas),
 * SET 1 re-enables, other values EINVAL; other ops or options -> EOPNOTSUPP. val64 is written back on success.
 */
export function iommuOption(tx: Tx, a: ActionOf<'IOMMU_OPTION'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  if (!t.ok) return err(t.errno);
  if (a.reserved !== 0) return err('EOPNOTSUPP');
  const c = t.file.ctx;
  switch (a.option_id) {
    case IOMMU_OPTION_ID.RLIMIT_MODE: {
      if (a.object_id !== 0) return err('EOPNOTSUPP');
      const ictx = ctxOf(tx, c);
      if (a.op === IOMMU_OPTION_OP.GET) return ok(0, { val64: ictx.accountModeMm ? 1 : 0 });
      if (a.op !== IOMMU_OPTION_OP.SET) return err('EOPNOTSUPP');
      if (ictx.objects.some((o) => o !== undefined)) return err('EBUSY');
      if (a.val64 !== 0 && a.val64 !== 1) return err('EINVAL');
      setCtx(tx, c, { ...ictx, accountModeMm: a.val64 === 1 });
      return ok(0, { val64: a.val64 });
    }
    case IOMMU_OPTION_ID.HUGE_PAGES: {
      const ioas = ioasOf(tx, c, a.object_id);
      if (ioas === undefined) return err('ENOENT');
      if (a.op === IOMMU_OPTION_OP.GET) return ok(0, { val64: ioas.largePagesDisabled ? 0 : 1 });
      if (a.op !== IOMMU_OPTION_OP.SET) return err('EOPNOTSUPP');
      if (a.val64 === 1) {
        putObj(tx, c, objectId(a.object_id), { ...ioas, largePagesDisabled: false });
        return ok(0, { val64: a.val64 });
      }
      if (a.val64 !== 0) return err('EINVAL');
      // io_pagetable.c iopt_disable_large_pages(): already disabled -> 0; domains and areas both -> EINVAL.
      // (EADDRINUSE for a sub-page-aligned area cannot arise: such areas are not modelled.)
      if (!ioas.largePagesDisabled) {
        if (ioas.hwptList.length > 0 && ioas.areas.length > 0) return err('EINVAL');
        putObj(tx, c, objectId(a.object_id), { ...ioas, largePagesDisabled: true });
      }
      return ok(0, { val64: a.val64 });
    }
    default:
      return err('EOPNOTSUPP');
  }
}
