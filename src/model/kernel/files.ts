// Open files and per-actor fd tables: lowest free fd per process, SCM_RIGHTS duplication, and the release
// that runs when the last fd of a file closes.
import type { ActorId, Fd, FileId } from '../ids.ts';
import { fileId, fd as mkFd } from '../ids.ts';
import { FIRST_FD, type OpenFile } from '../state.ts';
import { lowestFree, replaceAt, type Tx, trimTrailing } from './tx.ts';

export function lookupFd(tx: Tx, actor: ActorId, f: Fd): { readonly id: FileId; readonly file: OpenFile } | undefined {
  const id = tx.world.fdTables[actor]?.[f];
  if (id === undefined) return undefined;
  const file = tx.world.files[id];
  return file === undefined ? undefined : { id, file };
}

export function fileAt(tx: Tx, id: FileId): OpenFile {
  const f = tx.world.files[id];
  if (f === undefined) throw new Error(`model bug: file ${id} is not open`);
  return f;
}

export function setFile(tx: Tx, id: FileId, f: OpenFile | undefined): void {
  tx.world = { ...tx.world, files: trimTrailing(replaceAt(tx.world.files, id, f)) };
}

/** Allocates a file slot (lowest free, so equal histories give equal worlds). */
export function newFile(tx: Tx, f: OpenFile): FileId {
  const id = fileId(lowestFree(tx.world.files, 0));
  setFile(tx, id, f);
  return id;
}

/** Installs `file` at the actor's lowest free fd (get_unused_fd_flags + fd_install) and counts the fd. */
export function installFd(tx: Tx, actor: ActorId, id: FileId): Fd {
  const table = tx.world.fdTables[actor];
  if (table === undefined) throw new Error(`model bug: no actor ${actor}`);
  const n = lowestFree(table, FIRST_FD);
  tx.world = { ...tx.world, fdTables: replaceAt(tx.world.fdTables, actor, replaceAt(table, n, id)) };
  const f = fileAt(tx, id);
  setFile(tx, id, { ...f, fds: f.fds + 1 });
  return mkFd(n);
}

/** Removes the fd from the actor's table and returns whether it was the file's last fd. */
export function removeFd(tx: Tx, actor: ActorId, f: Fd, id: FileId): boolean {
  const table = tx.world.fdTables[actor];
  if (table === undefined) throw new Error(`model bug: no actor ${actor}`);
  tx.world = {
    ...tx.world,
    fdTables: replaceAt(tx.world.fdTables, actor, trimTrailing(replaceAt(table, f, undefined))),
  };
  const file = fileAt(tx, id);
  setFile(tx, id, { ...file, fds: file.fds - 1 });
  return file.fds - 1 === 0;
}
