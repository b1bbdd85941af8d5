// Runs a scenario on one profile: each step becomes a model action (names and $variables resolved against what
// earlier steps bound), its result is compared with the expectation, and the run stops at the first mismatch.
import type { JsonValue } from '../checker/actionCodec.ts';
import type { Action } from '../model/actions.ts';
import type { ModelEvent } from '../model/events.ts';
import { type ActorId, actorId, deviceIdx, type Fd, groupIdx, fd as mkFd } from '../model/ids.ts';
import { structSize, ucmdSizeErrno } from '../model/kernel/ucmd.ts';
import { err, formatResult, type OpResult, unmodelled } from '../model/result.ts';
import { semantics } from '../model/semantics.ts';
import { initialWorld, type World } from '../model/state.ts';
import { step as modelStep } from '../model/step.ts';
import { snapshot } from '../report/snapshot.ts';
import { OPS, type OpSpec, type Values } from './opTable.ts';
import { type Expectation, LITERAL_FD, type Scenario, type ScenarioStep, type Value } from './Scenario.ts';

export interface StepReport {
  readonly index: number;
  readonly op: string;
  readonly match: boolean;
  /** The expectation as text (`0 {out_ioas_id: $ioas}`, `ENODEV`); null when the step is not compared. */
  readonly expected: string | null;
  readonly got: string;
}

export interface ScenarioFailure {
  readonly step: number;
  readonly op: string;
  readonly expected: string;
  readonly got: string;
  readonly state: JsonValue;
}

export interface ScenarioRun {
  readonly semantics: string;
  readonly match: boolean;
  readonly steps: readonly StepReport[];
  readonly failure: ScenarioFailure | null;
}

/** A problem with the scenario itself found while running (an unbound $variable, an unknown fd name). */
class ScenarioError extends Error {}

const fmtValue = (v: Value): string => (v.kind === 'num' ? String(v.value) : v.name);

export function formatExpectation(e: Expectation): string {
  const keys = Object.keys(e.out);
  const out = keys.length === 0 ? '' : ` {${keys.map((k) => `${k}: ${fmtValue(e.out[k] as Value)}`).join(', ')}}`;
  return `${e.kind === 'ret' ? e.ret : e.errno}${out}`;
}

/** What the lab sees of each step: the model's action (null when the step is not modelled or is refused by
 * the size checks before an action exists), its result, and the worlds around it. */
export interface ObservedStep {
  readonly step: ScenarioStep;
  readonly action: Action | null;
  readonly result: OpResult;
  readonly before: World;
  readonly after: World;
  readonly events: readonly ModelEvent[];
  /** $variables bound so far (model values). */
  readonly vars: ReadonlyMap<string, number>;
  /** The scenario name of each (actor, fd) open before the step. */
  readonly fdNames: ReadonlyMap<string, string>;
}

export interface RunOptions {
  /** Called after each step. */
  readonly observe?: (o: ObservedStep) => void;
  /** Do not stop at a mismatch: expectations only bind $variables (the lab compares with the kernel instead). */
  readonly bindOnly?: boolean;
}

interface Env {
  world: World;
  readonly names: Map<string, { readonly actor: ActorId; readonly fd: Fd }>;
  readonly vars: Map<string, number>;
}

function resolveFd(env: Env, st: ScenarioStep, actor: ActorId, spec: OpSpec): Fd | null {
  if (spec.fd === 'none') return null;
  if (st.fd === null) {
    // Left out: the only open iommufd fd of this actor.
    const table = env.world.fdTables[actor] ?? [];
    const live = table.flatMap((f, n) => (f !== undefined && env.world.files[f]?.kind === 'iommufd' ? [n] : []));
    const only = live[0];
    if (live.length !== 1 || only === undefined)
      throw new ScenarioError(`fd left out but ${live.length} iommufds are open; name one with "fd"`);
    return mkFd(only);
  }
  if (LITERAL_FD.test(st.fd)) return mkFd(Number(st.fd.slice(1)));
  if (st.fd.startsWith('$')) {
    const v = env.vars.get(st.fd);
    if (v === undefined) throw new ScenarioError(`fd ${st.fd} is not bound`);
    return mkFd(v);
  }
  const n = env.names.get(st.fd);
  if (n === undefined) throw new ScenarioError(`no fd named ${JSON.stringify(st.fd)} (names come from "as")`);
  return n.fd;
}

function values(s: Scenario, env: Env, st: ScenarioStep, spec: OpSpec): Values {
  const num = (field: string): number => {
    const a = st.args[field];
    if (a === undefined) return spec.fields[field]?.default ?? 0;
    if (a.kind === 'num') return a.value;
    if (a.kind === 'var') {
      const v = env.vars.get(a.name);
      if (v === undefined) throw new ScenarioError(`args.${field}: ${a.name} is not bound yet`);
      return v;
    }
    throw new ScenarioError(`args.${field}: expected a number`);
  };
  const name = (field: string): string => {
    const a = st.args[field];
    if (a?.kind !== 'name') throw new ScenarioError(`args.${field}: missing`);
    return a.value;
  };
  const val = (field: string, x: Value): number => {
    if (x.kind === 'num') return x.value;
    const b = env.vars.get(x.name);
    if (b === undefined) throw new ScenarioError(`args.${field}: ${x.name} is not bound yet`);
    return b;
  };
  return {
    has: (field) => st.args[field] !== undefined,
    num,
    ranges: (field) => {
      const a = st.args[field];
      if (a === undefined) return [];
      if (a.kind !== 'ranges') throw new ScenarioError(`args.${field}: expected ranges`);
      return a.value.map((r) => ({ start: val(field, r.start), last: val(field, r.last) }));
    },
    path: name,
    fd: (field) => {
      const a = st.args[field];
      if (a?.kind === 'var') return mkFd(num(field));
      if (a?.kind === 'name' && LITERAL_FD.test(a.value)) return mkFd(Number(a.value.slice(1)));
      const n = env.names.get(name(field));
      if (n === undefined) throw new ScenarioError(`args.${field}: no fd named ${JSON.stringify(name(field))}`);
      return n.fd;
    },
    group: (field) => {
      const i = s.topology.groups.findIndex((g) => g.name === name(field));
      if (i < 0) throw new ScenarioError(`args.${field}: no group ${JSON.stringify(name(field))} in the topology`);
      return groupIdx(i);
    },
    actor: (field) => {
      const i = s.topology.actors.findIndex((x) => x.name === name(field));
      if (i < 0) throw new ScenarioError(`args.${field}: no actor ${JSON.stringify(name(field))}`);
      return actorId(i);
    },
    device: (field) => {
      const i = s.topology.devices.findIndex((d) => d.name === name(field));
      if (i < 0) throw new ScenarioError(`args.${field}: no device ${JSON.stringify(name(field))} in the topology`);
      return deviceIdx(i);
    },
  };
}

/** Builds and runs the step's action; the iommufd size-word checks run first, as iommufd_fops_ioctl() does. */
function execute(
  s: Scenario,
  env: Env,
  st: ScenarioStep,
  profile: string,
  built: { action: Action | null; events: readonly ModelEvent[] } = { action: null, events: [] },
): OpResult {
  const spec = OPS[st.op];
  if (spec === undefined) throw new ScenarioError(`unknown op ${st.op}`);
  const ai = s.topology.actors.findIndex((a) => a.name === st.actor);
  if (ai < 0) throw new ScenarioError(`no actor ${JSON.stringify(st.actor)}`);
  const actor = actorId(ai);
  const sem = semantics(profile);
  const fd = resolveFd(env, st, actor, spec);
  const v = values(s, env, st, spec);
  let body: ReturnType<OpSpec['build']>;
  if (st.op === 'open') {
    if ('group' in st.args) body = { kind: 'open_group', group: v.group('group') };
    else if ('device' in st.args) body = { kind: 'open_cdev', device: v.device('device') };
    else body = spec.build(mkFd(0), v);
  } else {
    body = spec.build(fd ?? mkFd(0), v);
  }
  if (!('unmodelled' in body)) built.action = { ...body, actor } as Action;
  if (spec.ucmd && fd !== null && (st.size !== null || st.trailing.length > 0)) {
    const file = env.world.fdTables[actor]?.[fd];
    const size = structSize(st.op, sem);
    if (file !== undefined && env.world.files[file]?.kind === 'iommufd' && size !== null) {
      const e = ucmdSizeErrno(size, st.size ?? size.size, st.trailing);
      if (e !== null) return err(e);
    }
  }
  if ('unmodelled' in body) return unmodelled(body.unmodelled);
  const out = modelStep(env.world, { ...body, actor } as Action, sem, s.topology);
  env.world = out.world;
  built.events = out.events;
  if (out.result.kind === 'ok' && st.as !== null) {
    const newFd = spec.fdOut === undefined ? out.result.ret : out.result.out[spec.fdOut];
    if (newFd !== undefined) env.names.set(st.as, { actor, fd: mkFd(newFd) });
  }
  return out.result;
}

/** Binds the $variables of an expectation's out fields from a result (first binding wins). */
function bindVars(e: Expectation, r: OpResult, vars: Map<string, number>): void {
  if (r.kind === 'unmodelled') return;
  for (const [k, want] of Object.entries(e.out)) {
    const got = r.out[k];
    if (want.kind === 'var' && got !== undefined && !vars.has(want.name)) vars.set(want.name, got);
  }
}

const fdKey = (actor: ActorId, fd: Fd): string => `${actor}:${fd}`;

/** Compares a result with an expectation, binding $variables met for the first time. */
function compare(e: Expectation, r: OpResult, returnsFd: boolean, vars: Map<string, number>): boolean {
  if (r.kind === 'unmodelled') return false;
  if (e.kind === 'ret') {
    if (r.kind !== 'ok') return false;
    if (!returnsFd && r.ret !== e.ret) return false;
  } else if (r.kind !== 'errno' || r.errno !== e.errno) {
    return false;
  }
  for (const [k, want] of Object.entries(e.out)) {
    const got = r.out[k];
    if (got === undefined) return false;
    if (want.kind === 'num') {
      if (got !== want.value) return false;
    } else {
      const bound = vars.get(want.name);
      if (bound === undefined) vars.set(want.name, got);
      else if (bound !== got) return false;
    }
  }
  return true;
}

/** Runs `s` on `profile`; stops at the first step whose result differs from its expectation. */
export function runScenario(s: Scenario, profile: string, opts: RunOptions = {}): ScenarioRun {
  const env: Env = { world: initialWorld(s.topology), names: new Map(), vars: new Map() };
  const steps: StepReport[] = [];
  for (const st of s.steps) {
    const e = st.byVersion[profile] ?? st.expect;
    let got: string;
    let match: boolean;
    try {
      const before = env.world;
      const fdNames = new Map([...env.names].map(([n, v]) => [fdKey(v.actor, v.fd), n]));
      const built: { action: Action | null; events: readonly ModelEvent[] } = { action: null, events: [] };
      const r = execute(s, env, st, profile, built);
      got = formatResult(r);
      if (opts.bindOnly === true) {
        if (e !== null) bindVars(e, r, env.vars);
        match = true;
      } else {
        match = e === null || compare(e, r, OPS[st.op]?.returnsFd ?? false, env.vars);
      }
      opts.observe?.({
        step: st,
        action: built.action,
        result: r,
        before,
        after: env.world,
        events: built.events,
        vars: env.vars,
        fdNames,
      });
    } catch (x) {
      if (!(x instanceof ScenarioError)) throw x;
      got = `scenario error: ${x.message}`;
      match = false;
    }
    const expected = e === null ? null : formatExpectation(e);
    steps.push({ index: st.index, op: st.op, match, expected, got });
    if (!match) {
      return {
        semantics: profile,
        match: false,
        steps,
        failure: {
          step: st.index,
          op: st.op,
          expected: expected ?? '(not compared)',
          got,
          state: snapshot(env.world, s.topology),
        },
      };
    }
  }
  return { semantics: profile, match: true, steps, failure: null };
}
