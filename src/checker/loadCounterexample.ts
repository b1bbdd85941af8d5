// Parsing and validating a saved counterexample file; every error names the field at fault.
import type { Action } from '../model/actions.ts';
import type { OpResult } from '../model/result.ts';
import { parseSemantics, type Semantics } from '../model/semantics.ts';
import { makeTopology, type Topology } from '../model/topology.ts';
import type { Property } from '../properties/Property.ts';
import { propertyByCode } from '../properties/registry.ts';
import { type Decoded, decodeAction } from './actionCodec.ts';
import { COUNTEREXAMPLE_FORMAT, type Counterexample } from './counterexample.ts';
import { decodeResult } from './resultCodec.ts';

export interface LoadedCounterexample {
  readonly file: Counterexample;
  readonly property: Property;
  readonly semantics: Semantics;
  readonly topology: Topology;
  readonly actions: readonly Action[];
  readonly results: readonly OpResult[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTopology(j: unknown, where: string): Decoded<Topology> {
  if (!isObj(j) || !Array.isArray(j['groups'])) return { ok: false, error: `${where}.groups: expected an array` };
  const groups: { name: string; noiommu: boolean; devices: { name: string; kind: 'physical' | 'emulated' }[] }[] = [];
  const names = new Set<string>();
  for (const [gi, g] of j['groups'].entries()) {
    const w = `${where}.groups[${gi}]`;
    if (!isObj(g) || typeof g['name'] !== 'string' || !Array.isArray(g['devices']))
      return { ok: false, error: `${w}: expected { name, devices: [...] }` };
    if (names.has(g['name'])) return { ok: false, error: `${w}.name: duplicate name ${JSON.stringify(g['name'])}` };
    names.add(g['name']);
    const devices: { name: string; kind: 'physical' | 'emulated' }[] = [];
    for (const [di, d] of g['devices'].entries()) {
      if (!isObj(d) || typeof d['name'] !== 'string' || (d['kind'] !== 'physical' && d['kind'] !== 'emulated')) {
        return { ok: false, error: `${w}.devices[${di}]: expected { name, kind: "physical" | "emulated" }` };
      }
      if (names.has(d['name']))
        return { ok: false, error: `${w}.devices[${di}].name: duplicate name ${JSON.stringify(d['name'])}` };
      names.add(d['name']);
      devices.push({ name: d['name'], kind: d['kind'] });
    }
    groups.push({ name: g['name'], noiommu: g['noiommu'] === true, devices });
  }
  const actorsJ = j['actors'];
  const actors: { name: string; kind: 'legacy' | 'native' }[] = [];
  if (actorsJ !== undefined) {
    if (!Array.isArray(actorsJ)) return { ok: false, error: `${where}.actors: expected an array` };
    for (const [ai, a] of actorsJ.entries()) {
      if (!isObj(a) || typeof a['name'] !== 'string' || (a['kind'] !== 'legacy' && a['kind'] !== 'native')) {
        return { ok: false, error: `${where}.actors[${ai}]: expected { name, kind: "legacy" | "native" }` };
      }
      actors.push({ name: a['name'], kind: a['kind'] });
    }
  }
  return { ok: true, value: makeTopology(actors.length > 0 ? { groups, actors } : { groups }) };
}

export function loadCounterexample(text: string): Decoded<LoadedCounterexample> {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (!isObj(j)) return { ok: false, error: 'expected a JSON object' };
  if (j['format'] !== COUNTEREXAMPLE_FORMAT)
    return { ok: false, error: `format: expected "${COUNTEREXAMPLE_FORMAT}", got ${JSON.stringify(j['format'])}` };
  const property = typeof j['property'] === 'string' ? propertyByCode(j['property']) : undefined;
  if (property === undefined)
    return { ok: false, error: `property: unknown property ${JSON.stringify(j['property'])}` };
  if (typeof j['semantics'] !== 'string') return { ok: false, error: 'semantics: expected a string' };
  const sem = parseSemantics(j['semantics']);
  if (sem.kind === 'error') return { ok: false, error: `semantics: ${sem.message}` };
  const topo = parseTopology(j['topology'], 'topology');
  if (!topo.ok) return topo;
  const v = j['violation'];
  if (!isObj(v) || typeof v['step'] !== 'number' || typeof v['message'] !== 'string')
    return { ok: false, error: 'violation: expected { step, message }' };
  if (!Array.isArray(j['steps'])) return { ok: false, error: 'steps: expected an array' };
  const actions: Action[] = [];
  const results: OpResult[] = [];
  for (const [i, s] of j['steps'].entries()) {
    if (!isObj(s)) return { ok: false, error: `steps[${i}]: expected an object` };
    const a = decodeAction(s['action'], topo.value, `steps[${i}].action`);
    if (!a.ok) return a;
    const r = decodeResult(s['result'], `steps[${i}].result`);
    if (!r.ok) return r;
    actions.push(a.value);
    results.push(r.value);
  }
  return {
    ok: true,
    value: {
      file: j as unknown as Counterexample,
      property,
      semantics: sem.semantics,
      topology: topo.value,
      actions,
      results,
    },
  };
}
