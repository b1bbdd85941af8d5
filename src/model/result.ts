// What an ioctl returns to userspace: a value and the struct fields written back, or an errno (possibly with
// fields the kernel still wrote), or "not modelled" for inputs outside the model's scope (never a made-up errno).
import type { Errno } from './errno.ts';

export type Out = Readonly<Record<string, number>>;

export type OpResult =
  | { readonly kind: 'ok'; readonly ret: number; readonly out: Out }
  | { readonly kind: 'errno'; readonly errno: Errno; readonly out: Out }
  | { readonly kind: 'unmodelled'; readonly reason: string };

const NO_OUT: Out = Object.freeze({});

export const ok = (ret = 0, out: Out = NO_OUT): OpResult => ({ kind: 'ok', ret, out });
export const err = (errno: Errno, out: Out = NO_OUT): OpResult => ({ kind: 'errno', errno, out });
export const unmodelled = (reason: string): OpResult => ({ kind: 'unmodelled', reason });

/** `0`, `3 {out_ioas_id: 3}`, `ENODEV`: the short form used in tables and messages. */
export function formatResult(r: OpResult): string {
  const out = (o: Out) => {
    const keys = Object.keys(o);
    return keys.length === 0 ? '' : ` {${keys.map((k) => `${k}: ${o[k]}`).join(', ')}}`;
  };
  switch (r.kind) {
    case 'ok':
      return `${r.ret}${out(r.out)}`;
    case 'errno':
      return `${r.errno}${out(r.out)}`;
    case 'unmodelled':
      return `not modelled (${r.reason})`;
    default: {
      const never: never = r;
      return never;
    }
  }
}

export const sameResult = (a: OpResult, b: OpResult): boolean => formatResult(a) === formatResult(b);
