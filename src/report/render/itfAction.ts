// An action as ITF `mbt::nondetPicks` and back. Each pick is a field of the encoded action (actionCodec.ts):
// `actor`, `fd`, `fault` and the uAPI arguments by name, wrapped in Option as Quint writes its picks.
import { type Decoded, decodeAction, encodeAction, type JsonValue } from '../../checker/actionCodec.ts';
import { ACTION_KINDS, type Action, type ActionKind } from '../../model/actions.ts';
import type { Topology } from '../../model/topology.ts';
import { type ItfRecord, type ItfValue, itfInt, NONE, readInt, readRecord, readVariant, some } from './itfValue.ts';

/** Picks that sit beside `args` in a JsonAction rather than inside it. */
const TOP_LEVEL = new Set(['actor', 'fd', 'fault']);

function pick(v: JsonValue | undefined): ItfValue {
  if (v === null || v === undefined) return NONE;
  if (typeof v === 'number') return some(itfInt(v));
  if (typeof v === 'string') return some(v);
  // Action fields are numbers, names or null (actionCodec FIELDS); anything else is a codec change.
  throw new Error(`cannot happen: action field ${JSON.stringify(v)} is not a number or a name`);
}

export function actionPicks(a: Action, topo: Topology): ItfRecord {
  const j = encodeAction(a, topo);
  const picks: Record<string, ItfValue> = { actor: pick(j.actor) };
  if (j.fd !== undefined) picks['fd'] = pick(j.fd);
  for (const [k, v] of Object.entries(j.args)) picks[k] = pick(v);
  if (j.fault !== undefined) picks['fault'] = pick(j.fault);
  return picks;
}

/** A pick's value: Some(integer or string), None as null; undefined if it is neither. */
function unpick(p: unknown): JsonValue | undefined {
  const v = readVariant(p);
  if (v?.tag === 'None') return null;
  if (v?.tag !== 'Some') return undefined;
  return typeof v.value === 'string' ? v.value : readInt(v.value);
}

const isKind = (s: string): s is ActionKind => (ACTION_KINDS as readonly string[]).includes(s);

/** The action a state's `mbt::actionTaken` and `mbt::nondetPicks` describe; errors name the field. */
export function actionFromPicks(op: unknown, picks: unknown, topo: Topology, where: string): Decoded<Action> {
  if (typeof op !== 'string' || !isKind(op))
    return { ok: false, error: `${where}.mbt::actionTaken: unknown operation ${JSON.stringify(op)}` };
  const rec = readRecord(picks);
  if (rec === undefined) return { ok: false, error: `${where}.mbt::nondetPicks: expected a record` };
  const top: Record<string, JsonValue> = {};
  const args: Record<string, JsonValue> = {};
  for (const [k, p] of Object.entries(rec)) {
    const value = unpick(p);
    if (value === undefined)
      return { ok: false, error: `${where}.mbt::nondetPicks.${k}: expected Some(integer or string) or None` };
    (TOP_LEVEL.has(k) ? top : args)[k] = value;
  }
  return decodeAction({ ...top, op, args }, topo, `${where}.mbt::nondetPicks`);
}
