// The errno values the modelled ioctls can return (Linux asm-generic numbering), kept as names in traces.

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  ENOMEM: 12,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ENOSPC: 28,
  EOVERFLOW: 75,
  EMSGSIZE: 90,
  EBADFD: 77,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
} as const;

export type Errno = keyof typeof ERRNO;

export const isErrno = (s: string): s is Errno => Object.hasOwn(ERRNO, s);
