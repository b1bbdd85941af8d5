// ITF traces: every saved counterexample renders to a trace that follows ADR-015's value rules and parses back
// (through JSON text) to the same actions, results, machine and violation.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadedCounterexample, loadCounterexample } from '../../../src/checker/loadCounterexample.ts';
import { itfToTrace } from '../../../src/report/render/itfToTrace.ts';
import { itfInt, readInt } from '../../../src/report/render/itfValue.ts';
import { renderItf } from '../../../src/report/render/renderItf.ts';
import { traceOf } from '../../../src/report/render/Trace.ts';
import { expressibleCounterexample } from './expressibleTrace.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'counterexamples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.itf.json'));

function load(text: string): LoadedCounterexample {
  const r = loadCounterexample(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function itfText(cx: LoadedCounterexample, source = 'test'): string {
  const r = renderItf(cx, source);
  if (!r.ok) throw new Error(r.error);
  return JSON.stringify(r.value);
}

/** ADR-015 values: no null, every JSON number a safe integer, `#bigint` a decimal string. */
function itfViolations(v: unknown, where: string): string[] {
  if (v === null) return [`${where}: null`];
  if (typeof v === 'number') return Number.isSafeInteger(v) ? [] : [`${where}: unsafe number ${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => itfViolations(x, `${where}[${i}]`));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('#bigint' in o) return typeof o['#bigint'] === 'string' && /^-?\d+$/.test(o['#bigint']) ? [] : [where];
    return Object.entries(o).flatMap(([k, x]) => itfViolations(x, `${where}.${k}`));
  }
  return [];
}

describe('renderItf / itfToTrace', () => {
  it.each(files)('%s: round trip through JSON text gives back the trace', (f) => {
    const cx = load(readFileSync(join(dir, f), 'utf8'));
    const back = itfToTrace(JSON.parse(itfText(cx, f)));
    if (!back.ok) throw new Error(back.error);
    expect(back.value).toEqual(traceOf(cx));
  });

  it.each(files)('%s: ITF shape and value rules', (f) => {
    const cx = load(readFileSync(join(dir, f), 'utf8'));
    const itf = JSON.parse(itfText(cx, f));
    expect(itf['#meta']).toMatchObject({ format: 'ITF', source: f, description: expect.any(String) });
    expect(itf['#meta']['format-description']).toMatch(/^https:\/\/apalache-mc\.org\//);
    expect(itfViolations(itf, 'itf')).toEqual([]);
    expect(itf.states).toHaveLength(cx.actions.length + 1);
    itf.states.forEach((s: Record<string, unknown>, i: number) => {
      expect(s['#meta']).toEqual({ index: i });
      for (const v of itf.vars) expect(s).toHaveProperty([v]);
      expect(s['mbt::actionTaken']).toBe(i === 0 ? 'init' : cx.actions[i - 1]?.kind);
    });
    expect(itf.states[0].result).toEqual({ tag: 'Init', value: { '#tup': [] } });
    expect(itf.states[0].iommufds).toEqual({ '#map': [] });
  });

  it('types the state: maps keyed by id or name, Options for nullable fields, a variant per object type', () => {
    const cx = load(JSON.stringify(expressibleCounterexample('v6.6')));
    const s = JSON.parse(itfText(cx)).states[2]; // after IOMMU_IOAS_ALLOC on a fresh /dev/iommu
    const [ctx, ictx] = s.iommufds['#map'][0];
    expect(ctx).toBe(0);
    expect(ictx.vfio_ioas).toEqual({ tag: 'None', value: { '#tup': [] } });
    expect(ictx.objects['#map'][0]).toEqual([
      1,
      { tag: 'IOAS', value: { users: 1, object: 1, hwpt_list: [], areas: [], large_pages_disabled: false } },
    ]);
    expect(s.fds).toEqual({
      '#map': [
        ['qemu', { '#map': [] }],
        ['tool', { '#map': [[3, 'iommufd ctx0']] }],
      ],
    });
    expect(s.result).toEqual({ tag: 'Ok', value: { ret: 0, out: { '#map': [['out_ioas_id', 1]] } } });
    expect(s['mbt::nondetPicks']).toEqual({
      actor: { tag: 'Some', value: 'tool' },
      fd: { tag: 'Some', value: 3 },
      flags: { tag: 'Some', value: 0 },
      fault: { tag: 'None', value: { '#tup': [] } },
    });
  });

  it('writes integers beyond 2^53 as #bigint and reads them back', () => {
    expect(itfInt(2 ** 64)).toEqual({ '#bigint': '18446744073709551616' });
    expect(itfInt(7)).toBe(7);
    expect(readInt({ '#bigint': '18446744073709551616' })).toBe(2 ** 64);
    // The expressible trace unmaps everything with IOMMU_IOAS_UNMAP(iova=0, length=U64_MAX).
    const cx = load(JSON.stringify(expressibleCounterexample('latest')));
    const text = itfText(cx);
    expect(text).toContain('"length":{"tag":"Some","value":{"#bigint":"18446744073709551616"}}');
    const back = itfToTrace(JSON.parse(text));
    if (!back.ok) throw new Error(back.error);
    expect(back.value.actions).toEqual(cx.actions);
    expect(back.value.results).toEqual(cx.results);
  });

  it('a snapshot of an unexpected shape is an error naming the field, not a bad trace', () => {
    const j = expressibleCounterexample('v6.6') as unknown as { steps: { state: { groups: unknown[] } }[] };
    j.steps[1] = {
      ...j.steps[1],
      state: { ...j.steps[1]?.state, groups: [{ name: 'g0', fd_open: 'no', iommufd: null }] },
    };
    const r = renderItf(load(JSON.stringify(j)), 'test');
    expect(r).toEqual({ ok: false, error: 'steps[1].state.groups[0].fd_open: expected a boolean, got "no"' });
  });

  /** State `i` of a parsed trace, to edit. */
  const state = (j: { states: Record<string, unknown>[] }, i: number): Record<string, unknown> => {
    const st = j.states[i];
    if (st === undefined) throw new Error(`no state ${i}`);
    return st;
  };
  type Edit = (j: { states: Record<string, unknown>[] }) => unknown;

  it.each<[string, Edit, RegExp]>([
    ['not ITF', () => ({ vars: [], states: [] }), /^#meta: expected/],
    [
      'an unknown errno',
      (j) => {
        state(j, 1)['result'] = { tag: 'Errno', value: { errno: 'EWHAT', out: { '#map': [] } } };
        return j;
      },
      /^states\[1\]\.result\.value\.errno: unknown errno "EWHAT"/,
    ],
    [
      'an unknown op',
      (j) => {
        state(j, 2)['mbt::actionTaken'] = 'IOMMU_FROB';
        return j;
      },
      /^states\[2\]\.mbt::actionTaken: unknown operation "IOMMU_FROB"/,
    ],
    [
      'a pick that is not an Option',
      (j) => {
        state(j, 2)['mbt::nondetPicks'] = { ...(state(j, 2)['mbt::nondetPicks'] as object), fd: 3 };
        return j;
      },
      /^states\[2\]\.mbt::nondetPicks\.fd: expected Some/,
    ],
  ])('itfToTrace rejects %s, naming where', (_, edit, msg) => {
    const cx = load(JSON.stringify(expressibleCounterexample('v6.6')));
    const r = itfToTrace(edit(JSON.parse(itfText(cx))));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(msg);
  });
});
