// A disagreement found by `kernel fuzz`, written as a conformance scenario: the shrunk sequence, each step's
// expectation the real kernel's answer, and a header saying where it came from. Once the model is fixed it
// passes, and `npm test` replays it like every other scenario. Fds are written `#N` (the actor's fd number):
// generated sequences use fds that were never opened, on purpose.
import { encodeAction, type JsonValue } from '../checker/actionCodec.ts';
import type { Action } from '../model/actions.ts';
import type { Topology } from '../model/topology.ts';
import { scenarioOpOf } from '../scenario/opTable.ts';
import { isSplat, type KmsgLine } from './kernelOutput.ts';
import { LAB_PROFILE } from './plan.ts';
import type { StepOutcome } from './replayOnKernel.ts';

/** The kernel's answer as the lab prints it (`fd 7`, `0 {size: 0}`, `EBUSY {size: 0}`, `… +WARN`) as an
 * expectation. null: the step did not run. */
export function expectationOf(kernel: string | null): JsonValue | null {
  if (kernel === null) return null;
  const m = /^(fd \d+|-?\d+|E[A-Z0-9]+|errno \d+)(?: \{(.*)\})?( \+WARN)?$/.exec(kernel);
  if (m === null) return null;
  const out: Record<string, JsonValue> = {};
  for (const kv of (m[2] ?? '').split(', ').filter((x) => x !== '')) {
    const [k, v] = kv.split(': ');
    if (k === undefined || v === undefined) continue;
    const n = Number(v);
    out[k] = Number.isSafeInteger(n) ? n : v;
  }
  const head = m[1] as string;
  const hasOut = Object.keys(out).length > 0;
  if (head.startsWith('fd ')) return { ret: 0 };
  if (/^-?\d+$/.test(head)) return hasOut ? { ret: Number(head), out } : { ret: Number(head) };
  return hasOut ? { errno: head, out } : { errno: head };
}

const literal = (fd: number): string => `#${fd}`;

/** The scenario step for a model action (the scenario format's op names and uAPI fields). */
function stepOf(a: Action, topo: Topology): Record<string, JsonValue> {
  const e = encodeAction(a, topo);
  const args: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(e.args)) {
    if (k === 'container_fd' || k === 'iommufd' || k === 'access_fd') args[k] = literal(v as number);
    else if (typeof v === 'number' && !Number.isSafeInteger(v)) args[k] = BigInt(Math.min(v, 2 ** 64 - 1)).toString();
    else args[k] = v;
  }
  const op = scenarioOpOf(a.kind);
  const step: Record<string, JsonValue> = { op, actor: e.actor };
  if ('fd' in a) step['fd'] = literal(a.fd);
  if (Object.keys(args).length > 0) step['args'] = args;
  return step;
}

export interface FoundProvenance {
  readonly release: string;
  readonly flavour: string;
  readonly command: string;
  readonly op: string;
  readonly model: string;
  readonly kernel: string;
  readonly originalLength: number;
}

export function foundScenario(
  name: string,
  actions: readonly Action[],
  kernelSteps: readonly StepOutcome[],
  topo: Topology,
  p: FoundProvenance,
  kernelLog: readonly KmsgLine[] = [],
): string {
  const steps = actions.map((a, i) => {
    const s = stepOf(a, topo);
    const k = kernelSteps.find((x) => x.index === i);
    const want = expectationOf(k?.kernel ?? null);
    if (want !== null) s['expect'] = want;
    return s;
  });
  const scenario = {
    $schema: '../scenario.schema.json',
    name,
    source: `Found by ioas-check kernel fuzz on Linux ${p.release} (${p.flavour} lab): ${p.op} gave ${p.kernel} on the kernel where the ${LAB_PROFILE} model said ${p.model}; shrunk with the kernel in the loop from ${p.originalLength} to ${actions.length} steps. Expectations are the kernel's answers. Reproduce: ${p.command}`,
    semantics: [LAB_PROFILE],
    // A WARN, BUG, KASAN or lockdep splat is the finding itself: the run's kernel log goes with it.
    ...(kernelLog.some((l) => isSplat(l.line))
      ? {
          kernel_log: kernelLog
            .slice(0, 200)
            .map((l) => `[${l.index < 0 ? 'closing every fd' : `step ${l.index}`}] ${l.line}`),
        }
      : {}),
    topology: {
      groups: topo.groups.map((g) => ({
        name: g.name,
        ...(g.kind === 'noiommu' ? { noiommu: true } : {}),
        devices: g.devices.map((d) => ({
          name: topo.devices[d]?.name ?? '',
          kind: topo.devices[d]?.kind ?? 'physical',
        })),
      })),
      actors: topo.actors.map((a) => ({ name: a.name, kind: a.kind })),
    },
    steps,
  };
  return `${JSON.stringify(scenario, null, 2)}\n`;
}
