// The state variables of an ITF trace, typed from a counterexample's `state` snapshot (src/report/snapshot.ts):
// lists keyed by an id or a name become maps, nullable fields Options, iommufd objects one variant per type.
// The shape is checked strictly so that a change to the snapshot shows up as a named field, not a bad trace.
import type { Decoded, JsonValue } from '../../checker/actionCodec.ts';
import { type ItfRecord, type ItfValue, itfInt, itfMap, NONE, some, variant } from './itfValue.ts';

type Shape =
  | { readonly kind: 'int' | 'str' | 'bool' }
  | { readonly kind: 'option' | 'list'; readonly of: Shape }
  | { readonly kind: 'record'; readonly fields: Readonly<Record<string, Shape>> }
  /** A JSON array of records -> a `#map` keyed by one of their fields, which the values then leave out. */
  | { readonly kind: 'keyedBy'; readonly key: string; readonly keyShape: Shape; readonly value: Shape }
  /** A JSON object whose keys are data -> a `#map` (JSON keys are strings; `int` keys are parsed). */
  | { readonly kind: 'dict'; readonly key: 'int' | 'str'; readonly value: Shape }
  /** A record whose `tag` field names its type -> a variant of that name over its other fields. */
  | { readonly kind: 'tagged'; readonly tag: string; readonly cases: Readonly<Record<string, Shape>> };

const INT: Shape = { kind: 'int' };
const STR: Shape = { kind: 'str' };
const BOOL: Shape = { kind: 'bool' };
const opt = (of: Shape): Shape => ({ kind: 'option', of });
const list = (of: Shape): Shape => ({ kind: 'list', of });
const record = (fields: Record<string, Shape>): Shape => ({ kind: 'record', fields });
const keyedBy = (key: string, keyShape: Shape, value: Shape): Shape => ({ kind: 'keyedBy', key, keyShape, value });

const OBJECT = { users: INT, object: INT };

/** One entry per state variable, in the order of the trace's `vars`. */
const STATE: Readonly<Record<string, Shape>> = {
  iommufds: keyedBy(
    'ctx',
    INT,
    record({
      path: STR,
      vfio_ioas: opt(INT),
      no_iommu_mode: BOOL,
      kernel_refs: INT,
      objects: keyedBy('id', INT, {
        kind: 'tagged',
        tag: 'type',
        cases: {
          IOAS: record({ ...OBJECT, hwpt_list: list(INT), areas: list(STR), large_pages_disabled: BOOL }),
          HWPT_PAGING: record({ ...OBJECT, ioas: INT, auto: BOOL }),
          DEVICE: record({ ...OBJECT, device: STR, hwpt: opt(INT) }),
          ACCESS: record({ ...OBJECT, device: STR, ioas: opt(INT) }),
        },
      }),
    }),
  ),
  groups: keyedBy('name', STR, record({ fd_open: BOOL, iommufd: opt(INT) })),
  devices: keyedBy(
    'name',
    STR,
    record({ open_count: INT, bound: opt(record({ ctx: INT, id: opt(INT) })), attached: BOOL }),
  ),
  /** actor -> fd number -> what the fd is. */
  fds: { kind: 'dict', key: 'str', value: { kind: 'dict', key: 'int', value: STR } },
};

export const STATE_VARS: readonly string[] = Object.keys(STATE);

type Json = JsonValue | undefined;
const isObj = (v: Json): v is { readonly [k: string]: JsonValue } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (where: string, what: string, v: Json): Decoded<never> => ({
  ok: false,
  error: `${where}: expected ${what}, got ${JSON.stringify(v) ?? 'nothing'}`,
});

function encodeFields(
  fields: Readonly<Record<string, Shape>>,
  v: { readonly [k: string]: JsonValue },
  skip: string,
  where: string,
): Decoded<ItfRecord> {
  const extra = Object.keys(v).find((k) => k !== skip && !(k in fields));
  if (extra !== undefined) return { ok: false, error: `${where}.${extra}: field not in the ITF state shape` };
  const out: Record<string, ItfValue> = {};
  for (const [k, s] of Object.entries(fields)) {
    const e = encode(s, v[k], `${where}.${k}`);
    if (!e.ok) return e;
    out[k] = e.value;
  }
  return { ok: true, value: out };
}

/** `skip` names a field already used as a map key or a variant tag. */
function encode(shape: Shape, v: Json, where: string, skip = ''): Decoded<ItfValue> {
  switch (shape.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v)
        ? { ok: true, value: itfInt(v) }
        : fail(where, 'an integer', v);
    case 'str':
      return typeof v === 'string' ? { ok: true, value: v } : fail(where, 'a string', v);
    case 'bool':
      return typeof v === 'boolean' ? { ok: true, value: v } : fail(where, 'a boolean', v);
    case 'option': {
      if (v === null) return { ok: true, value: NONE };
      const e = encode(shape.of, v, where);
      return e.ok ? { ok: true, value: some(e.value) } : e;
    }
    case 'list': {
      if (!Array.isArray(v)) return fail(where, 'an array', v);
      const items: ItfValue[] = [];
      for (const [i, x] of v.entries()) {
        const e = encode(shape.of, x, `${where}[${i}]`);
        if (!e.ok) return e;
        items.push(e.value);
      }
      return { ok: true, value: items };
    }
    case 'record':
      return isObj(v) ? encodeFields(shape.fields, v, skip, where) : fail(where, 'an object', v);
    case 'keyedBy': {
      if (!Array.isArray(v)) return fail(where, 'an array', v);
      const entries: [ItfValue, ItfValue][] = [];
      for (const [i, x] of v.entries()) {
        const w = `${where}[${i}]`;
        if (!isObj(x)) return fail(w, 'an object', x);
        const k = encode(shape.keyShape, x[shape.key], `${w}.${shape.key}`);
        if (!k.ok) return k;
        const e = encode(shape.value, x, w, shape.key);
        if (!e.ok) return e;
        entries.push([k.value, e.value]);
      }
      return { ok: true, value: itfMap(entries) };
    }
    case 'dict': {
      if (!isObj(v)) return fail(where, 'an object', v);
      const entries: [ItfValue, ItfValue][] = [];
      for (const [k, x] of Object.entries(v)) {
        if (shape.key === 'int' && !/^\d+$/.test(k)) return fail(where, 'integer keys', k);
        const e = encode(shape.value, x, `${where}.${k}`);
        if (!e.ok) return e;
        entries.push([shape.key === 'int' ? itfInt(Number(k)) : k, e.value]);
      }
      return { ok: true, value: itfMap(entries) };
    }
    case 'tagged': {
      if (!isObj(v)) return fail(where, 'an object', v);
      const tag = v[shape.tag];
      const fields = typeof tag === 'string' ? shape.cases[tag] : undefined;
      if (typeof tag !== 'string' || fields === undefined)
        return fail(`${where}.${shape.tag}`, `one of ${Object.keys(shape.cases).join(', ')}`, tag);
      const e = encode(fields, Object.fromEntries(Object.entries(v).filter(([k]) => k !== shape.tag)), where, skip);
      return e.ok ? { ok: true, value: variant(tag, e.value) } : e;
    }
    default: {
      const never: never = shape;
      return never;
    }
  }
}

/** The state variables of one snapshot; `where` prefixes errors (e.g. `steps[3].state`). */
export function itfStateVars(state: JsonValue, where: string): Decoded<ItfRecord> {
  return isObj(state) ? encodeFields(STATE, state, '', where) : fail(where, 'an object', state);
}
