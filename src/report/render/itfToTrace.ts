// Reads an ITF trace written by renderItf back into the steps it records: the actions from
// `mbt::actionTaken` + `mbt::nondetPicks`, the results from `result`, the machine and violation from `#meta`.
import type { Decoded } from '../../checker/actionCodec.ts';
import { parseTopology } from '../../checker/loadCounterexample.ts';
import type { Violation } from '../../checker/runTrace.ts';
import type { Action } from '../../model/actions.ts';
import type { OpResult } from '../../model/result.ts';
import { actionFromPicks } from './itfAction.ts';
import { readResult } from './itfResult.ts';
import { ACTION_TAKEN, INIT_ACTION, META_KEY, NONDET_PICKS } from './itfTrace.ts';
import { readRecord } from './itfValue.ts';
import type { Trace } from './Trace.ts';

function readViolation(v: unknown): Violation | undefined {
  const r = readRecord(v);
  return typeof r?.['step'] === 'number' && typeof r['message'] === 'string'
    ? { step: r['step'], message: r['message'] }
    : undefined;
}

/** `itf` is parsed JSON; every error names the part at fault. */
export function itfToTrace(itf: unknown): Decoded<Trace> {
  const doc = readRecord(itf);
  const meta = readRecord(doc?.['#meta']);
  const ours = readRecord(meta?.[META_KEY]);
  if (meta?.['format'] !== 'ITF' || ours === undefined)
    return { ok: false, error: `#meta: expected { format: "ITF", "${META_KEY}": {...} } (written by ioas-check)` };
  const violation = readViolation(ours['violation']);
  if (violation === undefined) return { ok: false, error: `#meta.${META_KEY}.violation: expected { step, message }` };
  if (typeof ours['semantics'] !== 'string')
    return { ok: false, error: `#meta.${META_KEY}.semantics: expected a string` };
  const topo = parseTopology(ours['topology'], `#meta.${META_KEY}.topology`);
  if (!topo.ok) return topo;
  const states = doc?.['states'];
  if (!Array.isArray(states) || states.length === 0) return { ok: false, error: 'states: expected a non-empty array' };
  if (readRecord(states[0])?.[ACTION_TAKEN] !== INIT_ACTION)
    return { ok: false, error: `states[0].${ACTION_TAKEN}: expected "${INIT_ACTION}"` };

  const actions: Action[] = [];
  const results: OpResult[] = [];
  for (const [i, s] of states.entries()) {
    if (i === 0) continue;
    const where = `states[${i}]`;
    const st = readRecord(s);
    if (st === undefined) return { ok: false, error: `${where}: expected an object` };
    const a = actionFromPicks(st[ACTION_TAKEN], st[NONDET_PICKS], topo.value, where);
    if (!a.ok) return a;
    const r = readResult(st['result'], `${where}.result`);
    if (!r.ok) return r;
    actions.push(a.value);
    results.push(r.value);
  }
  return {
    ok: true,
    value: {
      topology: topo.value,
      actions,
      results,
      violation,
      semantics: ours['semantics'],
      title: typeof meta['description'] === 'string' ? meta['description'] : '',
    },
  };
}
