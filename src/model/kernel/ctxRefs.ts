// iommufd_ctx_get()/iommufd_ctx_put() (get_file/fput on the iommufd file) and iommufd_fops_release().
import { type CtxId, objectId } from '../ids.ts';
import { ctxOf, eraseObject, setCtx } from './objects.ts';
import { emit, replaceAt, type Tx, trimTrailing } from './tx.ts';

export function ctxGet(tx: Tx, c: CtxId): void {
  const ictx = ctxOf(tx, c);
  setCtx(tx, c, { ...ictx, kernelRefs: ictx.kernelRefs + 1 });
}

export function ctxPut(tx: Tx, c: CtxId): void {
  const ictx = ctxOf(tx, c);
  setCtx(tx, c, { ...ictx, kernelRefs: ictx.kernelRefs - 1 });
  releaseIfUnused(tx, c);
}

/** The iommufd file is released when no fd and no kernel reference holds it. */
export function releaseIfUnused(tx: Tx, c: CtxId): void {
  const ictx = ctxOf(tx, c);
  const file = tx.world.files[ictx.file];
  const fds = file?.fds ?? 0;
  if (fds === 0 && ictx.kernelRefs <= 0) releaseCtx(tx, c);
}

/**
 * iommufd_fops_release(): passes in ascending id order, each destroying every object whose users == 1,
 * until the table is empty; a pass that destroys nothing WARNs and stops (a refcount bug).
 */
function releaseCtx(tx: Tx, c: CtxId): void {
  for (;;) {
    const objects = ctxOf(tx, c).objects;
    if (objects.every((o) => o === undefined)) break;
    let destroyed = 0;
    for (let id = 1; id < ctxOf(tx, c).objects.length; id++) {
      const o = ctxOf(tx, c).objects[id];
      if (o === undefined || o.users !== 1) continue;
      eraseObject(tx, c, objectId(id), 'release');
      destroyed++;
    }
    if (destroyed === 0) {
      emit(tx, { kind: 'kernel_warn', where: 'iommufd_fops_release', message: 'objects with users > 1 leaked' });
      break;
    }
  }
  const ictx = ctxOf(tx, c);
  tx.world = { ...tx.world, files: trimTrailing(replaceAt(tx.world.files, ictx.file, undefined)) };
  setCtx(tx, c, undefined);
  emit(tx, { kind: 'ctx_released', ctx: c });
}
