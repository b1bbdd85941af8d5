// OpResult <-> JSON: `{ "ret": N, "out": {...} }`, `{ "errno": "NAME", "out": {...} }` or `{ "unmodelled": "why" }`.
import { isErrno } from '../model/errno.ts';
import type { OpResult } from '../model/result.ts';
import type { Decoded, JsonValue } from './actionCodec.ts';

export function encodeResult(r: OpResult): JsonValue {
  switch (r.kind) {
    case 'ok':
      return { ret: r.ret, out: r.out };
    case 'errno':
      return { errno: r.errno, out: r.out };
    case 'unmodelled':
      return { unmodelled: r.reason };
    default: {
      const never: never = r;
      return never;
    }
  }
}

export function decodeResult(j: unknown, where: string): Decoded<OpResult> {
  if (typeof j !== 'object' || j === null || Array.isArray(j))
    return { ok: false, error: `${where}: expected an object` };
  const o = j as Record<string, unknown>;
  const out = o['out'] ?? {};
  if (
    typeof out !== 'object' ||
    out === null ||
    Array.isArray(out) ||
    Object.values(out).some((v) => typeof v !== 'number')
  ) {
    return { ok: false, error: `${where}.out: expected an object of numbers` };
  }
  if (typeof o['ret'] === 'number')
    return { ok: true, value: { kind: 'ok', ret: o['ret'], out: out as Record<string, number> } };
  if (typeof o['errno'] === 'string') {
    const e = o['errno'];
    if (!isErrno(e)) return { ok: false, error: `${where}.errno: unknown errno ${JSON.stringify(e)}` };
    return { ok: true, value: { kind: 'errno', errno: e, out: out as Record<string, number> } };
  }
  if (typeof o['unmodelled'] === 'string') return { ok: true, value: { kind: 'unmodelled', reason: o['unmodelled'] } };
  return { ok: false, error: `${where}: expected "ret", "errno" or "unmodelled"` };
}
