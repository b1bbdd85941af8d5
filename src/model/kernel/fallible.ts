// Kernel helpers that can fail return an errno as data; a thrown Error is always a model bug.
import type { Errno } from '../errno.ts';

export type Fallible<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: Errno };

export const success = <T>(value: T): Fallible<T> => ({ ok: true, value });
export const failure = <T>(errno: Errno): Fallible<T> => ({ ok: false, errno });
