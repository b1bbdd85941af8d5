// Scenario JSON -> Scenario, validating every field; an error names the field path and the problem
// (`steps[3].args.flags: unknown constant "REED" ...`). The format is described by scenarios/scenario.schema.json.
import type { Decoded } from '../checker/actionCodec.ts';
import { parseTopology } from '../checker/loadCounterexample.ts';
import { isErrno } from '../model/errno.ts';
import { parseSemantics } from '../model/semantics.ts';
import { DEFAULT_TOPOLOGY, type Topology, withActors } from '../model/topology.ts';
import { FAMILIES, resolveConstant } from './constants.ts';
import { OPS, type OpSpec } from './opTable.ts';
import { type Arg, type Expectation, LITERAL_FD, type Scenario, type ScenarioStep, type Value } from './Scenario.ts';

export const SCENARIO_ACTORS = [{ name: 'app', kind: 'native' as const }];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class ParseError extends Error {}
const fail = (where: string, problem: string): never => {
  throw new ParseError(`${where}: ${problem}`);
};

function onlyKeys(o: Obj, where: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) fail(`${where}.${k}`, `unknown field (expected one of ${allowed.join(', ')})`);
}

const VAR = /^\$[A-Za-z_][A-Za-z0-9_]*$/;

/** A number, a decimal string, a constant expression of `family`, or a `$variable`. */
function value(v: unknown, where: string, family: OpSpec['fields'][string]['family']): Value {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) fail(where, `expected a non-negative integer, got ${v}`);
    return { kind: 'num', value: v };
  }
  if (typeof v === 'string') {
    if (VAR.test(v)) return { kind: 'var', name: v };
    const r = resolveConstant(v, family === undefined ? null : FAMILIES[family]);
    if (!r.ok) return fail(where, r.error);
    return { kind: 'num', value: r.value };
  }
  return fail(where, `expected a number, a constant name or a $variable, got ${JSON.stringify(v)}`);
}

function args(
  op: string,
  spec: OpSpec,
  j: unknown,
  where: string,
): { args: Record<string, Arg>; size: number | null; trailing: number[] } {
  if (j === undefined) return { args: {}, size: null, trailing: [] };
  if (!isObj(j)) return fail(where, 'expected an object of uAPI fields');
  const out: Record<string, Arg> = {};
  let size: number | null = null;
  let trailing: number[] = [];
  const open = Object.keys(spec.fields).length === 0 && spec.ucmd; // an ioctl outside the model: any field
  for (const [k, v] of Object.entries(j)) {
    const w = `${where}.${k}`;
    if (k === 'size' && spec.ucmd) {
      const s = value(v, w, undefined);
      if (s.kind !== 'num') return fail(w, 'the size word must be a number');
      size = s.value;
      continue;
    }
    if (k === 'trailing' && spec.ucmd) {
      if (!Array.isArray(v) || !v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255))
        return fail(w, 'expected an array of byte values (0-255)');
      trailing = v as number[];
      continue;
    }
    const f = spec.fields[k];
    if (f === undefined) {
      if (open) continue;
      const known = [...Object.keys(spec.fields), ...(spec.ucmd ? ['size', 'trailing'] : [])];
      return fail(w, `${op} has no field ${JSON.stringify(k)} (fields: ${known.join(', ') || 'none'})`);
    }
    switch (f.type) {
      case 'num':
        out[k] = value(v, w, f.family);
        break;
      case 'fd':
      case 'group':
      case 'device':
      case 'path':
      case 'actor':
        if (typeof v !== 'string' || v === '')
          return fail(w, `expected a name${f.type === 'fd' ? ' or a $variable' : ''}`);
        out[k] = VAR.test(v) && f.type === 'fd' ? { kind: 'var', name: v } : { kind: 'name', value: v };
        break;
      case 'ranges':
        if (!Array.isArray(v)) return fail(w, 'expected an array of { start, last }');
        out[k] = {
          kind: 'ranges',
          value: v.map((r, i) => {
            if (!isObj(r) || r['start'] === undefined || r['last'] === undefined)
              return fail(`${w}[${i}]`, 'expected { start, last }');
            onlyKeys(r, `${w}[${i}]`, ['start', 'last']);
            return {
              start: value(r['start'], `${w}[${i}].start`, undefined),
              last: value(r['last'], `${w}[${i}].last`, undefined),
            };
          }),
        };
        break;
      default: {
        const never: never = f.type;
        return never;
      }
    }
  }
  if (op === 'open') {
    const given = ['path', 'group', 'device'].filter((k) => k in out);
    if (given.length !== 1) fail(where, 'open takes exactly one of path, group, device');
    const p = out['path'];
    if (p?.kind === 'name' && p.value !== '/dev/iommu' && p.value !== '/dev/vfio/vfio')
      fail(`${where}.path`, 'expected "/dev/iommu" or "/dev/vfio/vfio"');
  }
  return { args: out, size, trailing };
}

function outFields(j: unknown, where: string): Record<string, Value> {
  if (j === undefined) return {};
  if (!isObj(j)) return fail(where, 'expected an object of output fields');
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(j)) {
    if (Array.isArray(v)) {
      // Ranges ([{ start, last }]) compare field by field: allowed_iovas[0].start, ...
      v.forEach((r, i) => {
        if (!isObj(r)) fail(`${where}.${k}[${i}]`, 'expected { start, last }');
        else
          for (const [rk, rv] of Object.entries(r))
            out[`${k}[${i}].${rk}`] = value(rv, `${where}.${k}[${i}].${rk}`, undefined);
      });
    } else {
      out[k] = value(v, `${where}.${k}`, undefined);
    }
  }
  return out;
}

function expectation(j: unknown, where: string): { expect: Expectation; byVersion: Record<string, Expectation> } {
  if (!isObj(j)) return fail(where, 'expected { "ret": N, "out": {...} } or { "errno": "NAME" }');
  onlyKeys(j, where, ['ret', 'errno', 'out', 'by_version', 'note']);
  const byVersion: Record<string, Expectation> = {};
  if (j['by_version'] !== undefined) {
    const bv = j['by_version'];
    if (!isObj(bv)) return fail(`${where}.by_version`, 'expected { profile: expectation }');
    for (const [p, e] of Object.entries(bv)) {
      if (parseSemantics(p).kind !== 'ok') fail(`${where}.by_version.${p}`, 'unknown profile');
      byVersion[p] = expectation(e, `${where}.by_version.${p}`).expect;
    }
  }
  const out = outFields(j['out'], `${where}.out`);
  if (j['errno'] !== undefined) {
    if (j['ret'] !== undefined) fail(where, 'give either ret or errno, not both');
    const e = j['errno'];
    if (typeof e !== 'string' || !isErrno(e)) return fail(`${where}.errno`, `unknown errno ${JSON.stringify(e)}`);
    return { expect: { kind: 'errno', errno: e, out }, byVersion };
  }
  if (j['ret'] === undefined) return fail(where, 'expected ret or errno');
  const r = value(j['ret'], `${where}.ret`, undefined);
  if (r.kind !== 'num') return fail(`${where}.ret`, 'ret must be a number');
  return { expect: { kind: 'ret', ret: r.value, out }, byVersion };
}

export const STEP_KEYS = ['op', 'fd', 'args', 'as', 'actor', 'expect', 'by_version', 'note'];

function step(j: unknown, index: number): ScenarioStep {
  const where = `steps[${index}]`;
  if (!isObj(j)) return fail(where, 'expected an object');
  onlyKeys(j, where, STEP_KEYS);
  const op = j['op'];
  if (typeof op !== 'string') return fail(`${where}.op`, 'expected an ioctl name, "open" or "close"');
  const spec = OPS[op];
  if (spec === undefined) return fail(`${where}.op`, `unknown op ${JSON.stringify(op)}`);
  const str = (k: string): string | null => {
    const v = j[k];
    if (v === undefined) return null;
    if (typeof v !== 'string' || v === '') return fail(`${where}.${k}`, 'expected a non-empty string');
    return v;
  };
  const fd = str('fd');
  const as = str('as');
  str('note');
  if (as !== null && VAR.test(as)) fail(`${where}.as`, 'an fd name, without $');
  if (op === 'open' && fd !== null) fail(`${where}.fd`, 'open takes no fd');
  if (op === 'close' && fd === null) fail(`${where}.fd`, 'close needs the fd to close');
  const a = args(op, spec, j['args'], `${where}.args`);
  const e = j['expect'] === undefined ? null : expectation(j['expect'], `${where}.expect`);
  const byVersion = { ...(e?.byVersion ?? {}) };
  if (j['by_version'] !== undefined) {
    const bv = j['by_version'];
    if (!isObj(bv)) return fail(`${where}.by_version`, 'expected { profile: expectation }');
    for (const [p, x] of Object.entries(bv)) {
      if (parseSemantics(p).kind !== 'ok') fail(`${where}.by_version.${p}`, 'unknown profile');
      byVersion[p] = expectation(x, `${where}.by_version.${p}`).expect;
    }
  }
  return {
    index,
    op,
    actor: str('actor') ?? 'app',
    fd,
    args: a.args,
    size: a.size,
    trailing: a.trailing,
    as,
    expect: e?.expect ?? null,
    byVersion,
  };
}

export /** Names a step uses must exist: actors and groups/devices in the topology, fd names from an earlier `as`. */
function checkNames(steps: readonly ScenarioStep[], topology: Topology): void {
  const fdNames = new Set<string>();
  for (const st of steps) {
    const where = `steps[${st.index}]`;
    if (!topology.actors.some((a) => a.name === st.actor))
      fail(
        `${where}.actor`,
        `no actor ${JSON.stringify(st.actor)} (actors: ${topology.actors.map((a) => a.name).join(', ')})`,
      );
    if (st.fd !== null && !st.fd.startsWith('$') && !LITERAL_FD.test(st.fd) && !fdNames.has(st.fd))
      fail(`${where}.fd`, `no fd named ${JSON.stringify(st.fd)} before this step (fds are named with "as")`);
    const spec = OPS[st.op];
    for (const [k, a] of Object.entries(st.args)) {
      if (a.kind !== 'name') continue;
      const type = spec?.fields[k]?.type;
      const known =
        type === 'group'
          ? topology.groups.map((g) => g.name)
          : type === 'device'
            ? topology.devices.map((d) => d.name)
            : type === 'fd'
              ? [...fdNames]
              : type === 'actor'
                ? topology.actors.map((x) => x.name)
                : null;
      if (known !== null && !known.includes(a.value) && !(type === 'fd' && LITERAL_FD.test(a.value)))
        fail(
          `${where}.args.${k}`,
          `no ${type} named ${JSON.stringify(a.value)} (known: ${known.join(', ') || 'none'})`,
        );
    }
    if (st.as !== null) fdNames.add(st.as);
  }
}

export const TOP_KEYS = [
  '$schema',
  'name',
  'source',
  'version',
  'semantics',
  'topology',
  'note',
  'kernel_log',
  'steps',
];

export function parseScenario(text: string): Decoded<Scenario> {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  try {
    if (!isObj(j)) return fail('(top)', 'expected a scenario object');
    onlyKeys(j, '(top)', TOP_KEYS);
    for (const k of ['name', 'source'] as const)
      if (typeof j[k] !== 'string' || j[k] === '') fail(k, 'expected a non-empty string');
    // The kernel's log of the run a scenario was found in (kernel fuzz: a WARN, BUG, KASAN or lockdep splat);
    // documentation for the reader, not an expectation.
    const log = j['kernel_log'];
    if (log !== undefined && (!Array.isArray(log) || log.some((l) => typeof l !== 'string')))
      fail('kernel_log', 'expected an array of strings');
    const sem = j['semantics'];
    if (!Array.isArray(sem) || sem.length === 0) return fail('semantics', 'expected a non-empty array of profiles');
    sem.forEach((p, i) => {
      if (typeof p !== 'string' || parseSemantics(p).kind !== 'ok')
        fail(`semantics[${i}]`, `unknown profile ${JSON.stringify(p)}`);
    });
    let topology = withActors(DEFAULT_TOPOLOGY, SCENARIO_ACTORS);
    if (j['topology'] !== undefined) {
      const t = parseTopology(j['topology'], 'topology');
      if (!t.ok) throw new ParseError(t.error);
      topology =
        isObj(j['topology']) && j['topology']['actors'] !== undefined ? t.value : withActors(t.value, SCENARIO_ACTORS);
    }
    const steps = j['steps'];
    if (!Array.isArray(steps) || steps.length === 0) return fail('steps', 'expected a non-empty array');
    const parsed = steps.map((s, i) => step(s, i));
    checkNames(parsed, topology);
    return {
      ok: true,
      value: {
        name: j['name'] as string,
        source: j['source'] as string,
        profiles: sem as string[],
        topology,
        steps: parsed,
      },
    };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e.message };
    throw e;
  }
}

/** A file is a scenario (not a saved counterexample) when it has `steps` with `op`s and no `format`. */
export const looksLikeScenario = (j: unknown): boolean =>
  isObj(j) && j['format'] === undefined && Array.isArray(j['steps']);
