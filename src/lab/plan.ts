// Turns scenarios, counterexamples and diff traces into lab sequences: the model (v6.12, or the legacy container
// model) runs each step, the executor line is built beside its answer, and whatever a lab boot cannot do
// (threads, injected faults, devices it lacks, profiles the file does not apply to) becomes a skip with its reason.
import type { JsonValue } from '../checker/actionCodec.ts';
import type { Action } from '../model/actions.ts';
import type { ModelEvent } from '../model/events.ts';
import type { DeviceIdx, GroupIdx } from '../model/ids.ts';
import { initialLegacyWorld, type LegacyWorld } from '../model/legacy/state.ts';
import { legacyStep } from '../model/legacy/step.ts';
import type { OpResult } from '../model/result.ts';
import { semantics } from '../model/semantics.ts';
import { initialWorld, type World } from '../model/state.ts';
import { step } from '../model/step.ts';
import type { Topology } from '../model/topology.ts';
import { snapshot } from '../report/snapshot.ts';
import { OPS, scenarioOpOf } from '../scenario/opTable.ts';
import { runScenario } from '../scenario/runScenario.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import { actionLine, type EncodeContext, rawScenarioLine, sizeWords } from './encode.ts';
import type { ContainerRun, FlavourCaps, LabBoot, LabStep, Planned } from './labTypes.ts';
import { bootFor, labSlots } from './slots.ts';

/** The profile the lab's kernel is compared with. */
export const LAB_PROFILE = 'v6.12';

const groupOfDevice = (topo: Topology, d: DeviceIdx): GroupIdx | undefined => topo.devices[d]?.group;

/** The groups an action touches (to pick the boot and check the lab has them). */
function groupsOf(a: Action, topo: Topology): GroupIdx[] {
  switch (a.kind) {
    case 'open_group':
      return [a.group];
    case 'open_cdev':
    case 'VFIO_GROUP_GET_DEVICE_FD': {
      const g = groupOfDevice(topo, a.device);
      return g === undefined ? [] : [g];
    }
    default:
      return [];
  }
}

const isTestOp = (op: string): boolean => op.startsWith('IOMMU_TEST_OP_');

const fdOutFields = (op: string): string[] => {
  const f = OPS[op]?.fdOut;
  return f === undefined ? [] : [f];
};

/** Plans a conformance scenario: its steps as written, on the compat container, against `profile`. */
export function planScenario(file: string, s: Scenario, caps: FlavourCaps, profile = LAB_PROFILE): Planned[] {
  const run: ContainerRun = 'compat';
  if (!s.profiles.includes(profile))
    return [
      {
        kind: 'skip',
        file,
        run,
        reason: `the scenario does not apply to ${profile} (it lists ${s.profiles.join(', ')})`,
      },
    ];
  // One model run writes the lines and collects the groups the scenario uses; the boot is picked after.
  const ctx = encodeContext(run, s.topology, caps);
  const used = new Set<GroupIdx>();
  let mock = false;
  const steps: LabStep[] = [];
  let unexpressed: string | null = null;
  const modelRun = runScenario(s, profile, {
    bindOnly: true,
    observe: (o) => {
      if (o.action !== null) for (const g of groupsOf(o.action, s.topology)) used.add(g);
      if (isTestOp(o.step.op)) mock = true;
      const st = o.step;
      const actor = s.topology.actors.findIndex((a) => a.name === st.actor);
      // A left-out fd is the actor's only iommufd (as runScenario resolves it).
      const table = o.before.fdTables[actor] ?? [];
      const iommufds = table.flatMap((f, n) => (f !== undefined && o.before.files[f]?.kind === 'iommufd' ? [n] : []));
      const onlyIommufd = iommufds.length === 1 ? iommufds[0] : undefined;
      const fdOfName = (name: string): number | undefined => {
        if (name === '') return onlyIommufd;
        for (const [key, n] of o.fdNames) if (n === name) return Number(key.split(':')[1]);
        return undefined;
      };
      const line =
        o.action !== null
          ? actionLine(o.action, st.index, o.result, ctx) + sizeWords(st)
          : rawScenarioLine(st, actor as never, fdOfName, o.vars, ctx);
      if (line === null) {
        unexpressed ??= `step ${st.index} (${st.op}) cannot be written for the executor`;
        return;
      }
      const before = o.before;
      const after = o.after;
      steps.push({
        index: st.index,
        op: st.op,
        line,
        model: o.result,
        returnsFd: OPS[st.op]?.returnsFd ?? false,
        fdOut: fdOutFields(st.op),
        warns: warnsOf(o.events),
        state: () => ({ before: snapshot(before, s.topology), after: snapshot(after, s.topology) }),
      });
    },
  });
  const where = placement(run, s.topology, used, mock, caps);
  if ('reason' in where) return [{ kind: 'skip', file, run, reason: where.reason }];
  if (unexpressed !== null) return [{ kind: 'skip', file, run, reason: unexpressed }];
  // runScenario stops where a name or $variable cannot be resolved (an open the model refused, say).
  const f = modelRun.failure;
  const truncated =
    f === null || steps.length === s.steps.length
      ? null
      : `steps ${steps.length}-${s.steps.length - 1} not run: step ${f.step} (${f.op}): ${f.got}`;
  return [
    {
      kind: 'run',
      seq: { id: file, file, run, semantics: profile, boot: where.boot, steps, truncated, recorded: null },
    },
  ];
}

/** How a saved trace came to be: which runs the lab makes of it. */
export interface TraceOrigin {
  /** The property's search scope (`threaded` traces are interleavings, not sequences). */
  readonly scope: string | null;
  /** Also run on the legacy container against the legacy model (traces of the legacy comparisons). */
  readonly legacy: boolean;
  /** The results the file recorded (a counterexample's), or null. */
  readonly recorded: readonly OpResult[] | null;
}

/** Plans a saved action trace (counterexample or diff) on the compat container and, for the legacy
 * comparisons, on the legacy container too. */
export function planTrace(
  file: string,
  actions: readonly Action[],
  topo: Topology,
  origin: TraceOrigin,
  caps: FlavourCaps,
  profile = LAB_PROFILE,
): Planned[] {
  const runs: ContainerRun[] = origin.legacy ? ['compat', 'legacy'] : ['compat'];
  return runs.map((run) => {
    if (origin.scope === 'threaded')
      return {
        kind: 'skip',
        file,
        run,
        reason: 'a thread interleaving: its steps are windows inside ioctls, not a sequence of ioctls',
      };
    const fault = actions.find((a) => 'fault' in a && a.fault !== null);
    if (fault !== undefined && 'fault' in fault)
      return {
        kind: 'skip',
        file,
        run,
        reason: `an injected failure (${fault.fault}) the ${caps.flavour} lab cannot inject`,
      };
    if (run === 'legacy' && !caps.legacyContainer)
      return {
        kind: 'skip',
        file,
        run,
        reason: `the ${caps.flavour} kernel has no legacy container (/dev/vfio/vfio is iommufd)`,
      };
    const used = new Set(actions.flatMap((a) => groupsOf(a, topo)));
    const mock = actions.some((a) => isTestOp(a.kind));
    const where = placement(run, topo, used, mock, caps);
    if ('reason' in where) return { kind: 'skip', file, run, reason: where.reason };
    const steps =
      run === 'compat'
        ? compatSteps(actions, topo, where.ctx, profile)
        : legacySteps(actions, topo, where.ctx, profile);
    const id = origin.legacy ? `${file}#${run}` : file;
    const sem = run === 'compat' ? profile : `legacy container (${semantics(profile).version})`;
    const recorded = run === 'compat' ? origin.recorded : null;
    return { kind: 'run', seq: { id, file, run, semantics: sem, boot: where.boot, steps, truncated: null, recorded } };
  });
}

function placement(
  run: ContainerRun,
  topo: Topology,
  used: ReadonlySet<GroupIdx>,
  mock: boolean,
  caps: FlavourCaps,
): { readonly boot: LabBoot; readonly ctx: EncodeContext } | { readonly reason: string } {
  if (mock && !caps.testOps)
    return { reason: `selftest ops (IOMMU_TEST_OP_*) need CONFIG_IOMMUFD_TEST: the test flavour, not ${caps.flavour}` };
  const b = bootFor(topo, used, mock);
  if ('reason' in b) return b;
  const slots = labSlots(topo, used);
  if (!slots.ok) return { reason: slots.reason };
  return { boot: b.boot, ctx: encodeContext(run, topo, caps) };
}

/** How the model's names read in this run's executor lines; the mapping is the same whatever groups are used. */
function encodeContext(run: ContainerRun, topo: Topology, caps: FlavourCaps): EncodeContext {
  const slots = labSlots(topo, new Set());
  // Cannot happen: labSlots refuses a shape the lab lacks only for a group in use, and none is given here.
  if (!slots.ok) throw new Error(`labSlots refused with no group in use: ${slots.reason}`);
  return { slots: slots.slots, vfioPath: run === 'compat' ? caps.compatPath : '/dev/vfio/vfio' };
}

function compatSteps(actions: readonly Action[], topo: Topology, ctx: EncodeContext, profile: string): LabStep[] {
  const sem = semantics(profile);
  let w: World = initialWorld(topo);
  return actions.map((a, i) => {
    const before = w;
    const out = step(w, a, sem, topo);
    w = out.world;
    const after = w;
    return labStep(i, a, out.result, warnsOf(out.events), ctx, () => ({
      before: snapshot(before, topo),
      after: snapshot(after, topo),
    }));
  });
}

function legacySteps(actions: readonly Action[], topo: Topology, ctx: EncodeContext, profile: string): LabStep[] {
  let w: LegacyWorld = initialLegacyWorld(topo);
  const version = semantics(profile).version;
  return actions.map((a, i) => {
    const before = w;
    const out = legacyStep(w, a, version, topo);
    w = out.world;
    const after = w;
    return labStep(i, a, out.result, [], ctx, () => ({
      before: before as unknown as JsonValue,
      after: after as unknown as JsonValue,
    }));
  });
}

/** The kernel WARN/oops messages a step's events predict. */
export const warnsOf = (events: readonly ModelEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'kernel_warn' || e.kind === 'kernel_oops' ? [`${e.where}: ${e.message}`] : []));

function labStep(
  i: number,
  a: Action,
  r: OpResult,
  warns: readonly string[],
  ctx: EncodeContext,
  state: LabStep['state'],
): LabStep {
  const returnsFd = OPS[scenarioOpOf(a.kind)]?.returnsFd ?? false;
  return {
    index: i,
    op: a.kind,
    line: actionLine(a, i, r, ctx),
    model: r,
    returnsFd,
    fdOut: fdOutFields(scenarioOpOf(a.kind)),
    warns,
    state,
  };
}
