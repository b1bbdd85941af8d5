// Values of the Informal Trace Format (Apalache ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html),
// with sum types written as Quint writes them. ITF has no null: an absent value is Quint's Option `None`.

export type ItfValue =
  | boolean
  | string
  | number
  | readonly ItfValue[]
  | { readonly '#bigint': string }
  | { readonly '#tup': readonly ItfValue[] }
  | { readonly '#set': readonly ItfValue[] }
  | { readonly '#map': readonly (readonly [ItfValue, ItfValue])[] }
  | ItfVariant
  | ItfRecord;

export interface ItfVariant {
  readonly tag: string;
  readonly value: ItfValue;
}
export interface ItfRecord {
  readonly [field: string]: ItfValue;
}

/** A JSON number only while it is exact in every JSON reader; beyond 2^53 a `#bigint` string. */
export const itfInt = (n: number): ItfValue => (Number.isSafeInteger(n) ? n : { '#bigint': BigInt(n).toString() });

export const itfMap = (entries: readonly (readonly [ItfValue, ItfValue])[]): ItfValue => ({ '#map': entries });

/** Quint's unit value, the payload of a variant that carries nothing. */
export const UNIT: ItfValue = { '#tup': [] };

export const variant = (tag: string, value: ItfValue = UNIT): ItfVariant => ({ tag, value });
export const some = (v: ItfValue): ItfVariant => variant('Some', v);
export const NONE: ItfVariant = variant('None');

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An ITF integer back as a number (bigints round like every JS number beyond 2^53); undefined if not one. */
export function readInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (isObj(v) && typeof v['#bigint'] === 'string' && /^-?\d+$/.test(v['#bigint'])) return Number(v['#bigint']);
  return undefined;
}

/** The entries of an ITF `#map`, or undefined if `v` is not one. */
export function readMap(v: unknown): (readonly [unknown, unknown])[] | undefined {
  if (!isObj(v) || !Array.isArray(v['#map'])) return undefined;
  const entries: (readonly [unknown, unknown])[] = [];
  for (const e of v['#map']) {
    if (!Array.isArray(e) || e.length !== 2) return undefined;
    entries.push([e[0], e[1]]);
  }
  return entries;
}

/** A variant's tag and payload, or undefined if `v` is not one. */
export function readVariant(v: unknown): { readonly tag: string; readonly value: unknown } | undefined {
  return isObj(v) && typeof v['tag'] === 'string' && 'value' in v ? { tag: v['tag'], value: v['value'] } : undefined;
}

export const readRecord = (v: unknown): Record<string, unknown> | undefined => (isObj(v) ? v : undefined);
