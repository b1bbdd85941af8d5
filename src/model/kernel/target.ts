// Resolving the fd an ioctl is issued on, and what a file does with an ioctl that is not its own.
import type { Errno } from '../errno.ts';
import type { ActorId, Fd, FileId } from '../ids.ts';
import type { OpenFile } from '../state.ts';
import { lookupFd } from './files.ts';
import type { Tx } from './tx.ts';

export type Target<K extends OpenFile['kind']> =
  | { readonly ok: true; readonly id: FileId; readonly file: Extract<OpenFile, { kind: K }> }
  | { readonly ok: false; readonly errno: Errno };

/**
 * The errno a file gives for an ioctl it does not implement. A vfio device fd gates every ioctl but BIND on
 * access_granted (vfio_device_fops_unl_ioctl(): EINVAL), then hands unknown ones to the driver (ENOTTY);
 * group fds and iommufd fds (iommufd_vfio_ioctl() default: -ENOIOCTLCMD) give ENOTTY.
 */
export function foreignIoctl(file: OpenFile): Errno {
  switch (file.kind) {
    case 'device':
      return file.accessGranted ? 'ENOTTY' : 'EINVAL';
    case 'cdev':
      return file.bound !== null ? 'ENOTTY' : 'EINVAL';
    case 'iommufd':
    case 'group':
    case 'access':
      return 'ENOTTY';
    default: {
      const never: never = file;
      return never;
    }
  }
}

/** The file behind `fd` if it is of kind `kind`: EBADF for a closed fd, the foreign-ioctl errno otherwise. */
export function target<K extends OpenFile['kind']>(tx: Tx, actor: ActorId, fd: Fd, kind: K): Target<K> {
  const t = lookupFd(tx, actor, fd);
  if (t === undefined) return { ok: false, errno: 'EBADF' };
  if (t.file.kind !== kind) return { ok: false, errno: foreignIoctl(t.file) };
  return { ok: true, id: t.id, file: t.file as Extract<OpenFile, { kind: K }> };
}
