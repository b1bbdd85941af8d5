import type { ActionOf } from '../actions.ts';
import { target } from '../kernel/target.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** VFIO_GET_API_VERSION on an iommufd: vfio_compat.c iommufd_vfio_ioctl() returns VFIO_API_VERSION (0). */
export function vfioGetApiVersion(tx: Tx, a: ActionOf<'VFIO_GET_API_VERSION'>): OpResult {
  const t = target(tx, a.actor, a.fd, 'iommufd');
  return t.ok ? ok(0) : err(t.errno);
}
