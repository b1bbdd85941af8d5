import type { ActionOf } from '../actions.ts';
import { installFd, lookupFd } from '../kernel/files.ts';
import type { Tx } from '../kernel/tx.ts';
import { err, type OpResult, ok } from '../result.ts';

/** sendmsg(SCM_RIGHTS): the receiver gets a new fd (its lowest free) on the same open file; returns that fd. */
export function passFd(tx: Tx, a: ActionOf<'pass_fd'>): OpResult {
  const t = lookupFd(tx, a.actor, a.fd);
  if (t === undefined) return err('EBADF');
  return ok(installFd(tx, a.to, t.id));
}
