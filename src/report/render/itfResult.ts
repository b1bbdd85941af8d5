// The `result` state variable: the model's answer to the step that led to the state, as a Quint sum type
// `Init | Ok({ ret, out }) | Errno({ errno, out }) | Unmodelled(str)`; `out` maps uAPI field names to values.
import type { Decoded } from '../../checker/actionCodec.ts';
import { isErrno } from '../../model/errno.ts';
import type { OpResult, Out } from '../../model/result.ts';
import { type ItfValue, itfInt, itfMap, readInt, readMap, readRecord, readVariant, variant } from './itfValue.ts';

/** State 0 comes before any step, so it has no result. */
export const INIT_RESULT: ItfValue = variant('Init');

const outMap = (o: Out): ItfValue => itfMap(Object.entries(o).map(([k, v]) => [k, itfInt(v)] as const));

export function resultVar(r: OpResult): ItfValue {
  switch (r.kind) {
    case 'ok':
      return variant('Ok', { ret: itfInt(r.ret), out: outMap(r.out) });
    case 'errno':
      return variant('Errno', { errno: r.errno, out: outMap(r.out) });
    case 'unmodelled':
      return variant('Unmodelled', r.reason);
    default: {
      const never: never = r;
      return never;
    }
  }
}

function readOut(v: unknown, where: string): Decoded<Out> {
  const entries = readMap(v);
  if (entries === undefined) return { ok: false, error: `${where}: expected a #map` };
  const out: Record<string, number> = {};
  for (const [k, x] of entries) {
    const n = readInt(x);
    if (typeof k !== 'string' || n === undefined)
      return { ok: false, error: `${where}: expected field names mapped to integers` };
    out[k] = n;
  }
  return { ok: true, value: out };
}

/** The OpResult of a step's `result`; `where` prefixes errors. */
export function readResult(v: unknown, where: string): Decoded<OpResult> {
  const r = readVariant(v);
  const rec = readRecord(r?.value);
  switch (r?.tag) {
    case 'Ok': {
      const ret = readInt(rec?.['ret']);
      if (ret === undefined) return { ok: false, error: `${where}.value.ret: expected an integer` };
      const out = readOut(rec?.['out'], `${where}.value.out`);
      return out.ok ? { ok: true, value: { kind: 'ok', ret, out: out.value } } : out;
    }
    case 'Errno': {
      const errno = rec?.['errno'];
      if (typeof errno !== 'string' || !isErrno(errno))
        return { ok: false, error: `${where}.value.errno: unknown errno ${JSON.stringify(errno)}` };
      const out = readOut(rec?.['out'], `${where}.value.out`);
      return out.ok ? { ok: true, value: { kind: 'errno', errno, out: out.value } } : out;
    }
    case 'Unmodelled':
      return typeof r.value === 'string'
        ? { ok: true, value: { kind: 'unmodelled', reason: r.value } }
        : { ok: false, error: `${where}.value: expected a string` };
    default:
      return { ok: false, error: `${where}: expected a variant Ok, Errno or Unmodelled` };
  }
}
