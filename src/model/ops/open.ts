import type { ActionOf } from '../actions.ts';
import { ctxId } from '../ids.ts';
import { installFd, newFile } from '../kernel/files.ts';
import { setCtx } from '../kernel/objects.ts';
import { emit, lowestFree, type Tx } from '../kernel/tx.ts';
import { type OpResult, ok } from '../result.ts';

/** open("/dev/iommu") or open("/dev/vfio/vfio") served by iommufd: a new, empty iommufd context
 * (main.c iommufd_fops_open(); /dev/vfio/vfio only changes the default account_mode). */
export function open(tx: Tx, a: ActionOf<'open'>): OpResult {
  const c = ctxId(lowestFree(tx.world.ctxs, 0));
  const file = newFile(tx, { kind: 'iommufd', fds: 0, ctx: c });
  setCtx(tx, c, {
    objects: [],
    vfioIoas: null,
    noIommuMode: false,
    // iommufd_fops_open(): /dev/vfio/vfio defaults to the rlimit accounting VFIO uses.
    accountModeMm: a.path === '/dev/vfio/vfio',
    kernelRefs: 0,
    file,
    path: a.path,
  });
  emit(tx, { kind: 'ctx_created', ctx: c });
  return ok(installFd(tx, a.actor, file));
}
