// `ioas-check explore --semantics S [--property P]... [bounds...] [--json]`: exhaustive breadth-first
// exploration of the iommufd model within the stated bounds: state invariants proved or refuted with a
// shortest counterexample, witness goals, coverage of every op x result.
import { join } from 'node:path';
import { buildCounterexample, counterexampleFileName } from '../checker/counterexample.ts';
import { DEFAULT_BOUNDS, type ExploreBounds } from '../checker/iommufdExplore/bounds.ts';
import { exploreIommufd } from '../checker/iommufdExplore/exploreIommufd.ts';
import { runTrace } from '../checker/runTrace.ts';
import { ACTION_KINDS, type ActionKind } from '../model/actions.ts';
import { makeTopology } from '../model/topology.ts';
import type { Property } from '../properties/Property.ts';
import { counterexampleMarkdown } from '../report/counterexampleMarkdown.ts';
import { parse, positiveInt, propertyList, semanticsList } from './args.ts';
import { type Io, UsageError } from './io.ts';
import { writeAtomic } from './writeAtomic.ts';

function opsOf(v: string | undefined): ReadonlySet<ActionKind> {
  if (v === undefined) return DEFAULT_BOUNDS.ops;
  const ops = v.split(',').filter((x) => x.length > 0);
  for (const op of ops)
    if (!(ACTION_KINDS as readonly string[]).includes(op)) throw new UsageError(`--ops: unknown operation '${op}'`);
  return new Set(ops as ActionKind[]);
}

function topologyOf(groups: number, devices: number, mdev: boolean, noiommu: boolean) {
  const gs: { name: string; noiommu?: boolean; devices: { name: string; kind: 'physical' | 'emulated' }[] }[] = [];
  let n = 0;
  for (let g = 0; g < groups; g++)
    gs.push({
      name: `g${g}`,
      devices: Array.from({ length: devices }, () => ({ name: `dev${n++}`, kind: 'physical' as const })),
    });
  if (mdev) gs.push({ name: `g${gs.length}`, devices: [{ name: 'mdev0', kind: 'emulated' }] });
  if (noiommu) gs.push({ name: `g${gs.length}`, noiommu: true, devices: [{ name: 'nidev0', kind: 'physical' }] });
  return makeTopology({ groups: gs, actors: [{ name: 'app', kind: 'native' }] });
}

export function runExplore(args: readonly string[], io: Io): number {
  const { values } = parse(
    args,
    {
      semantics: { type: 'string', multiple: true },
      property: { type: 'string', multiple: true },
      groups: { type: 'string' },
      devices: { type: 'string' },
      mdev: { type: 'boolean' },
      noiommu: { type: 'boolean' },
      iommufds: { type: 'string' },
      objects: { type: 'string' },
      ids: { type: 'string' },
      fds: { type: 'string' },
      depth: { type: 'string' },
      ops: { type: 'string' },
      faults: { type: 'boolean' },
      'full-states': { type: 'boolean' },
      symmetry: { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (values.semantics === undefined) throw new UsageError('explore needs --semantics');
  const profiles = semanticsList(values.semantics, []);
  const props: readonly Property[] = propertyList(values.property).filter((p) => p.kind === 'state invariant');
  const groups = positiveInt('groups', values.groups, 2);
  const devices = positiveInt('devices', values.devices, 1);
  const bounds: ExploreBounds = {
    topology: topologyOf(groups, devices, values.mdev === true, values.noiommu === true),
    maxIommufds: positiveInt('iommufds', values.iommufds, DEFAULT_BOUNDS.maxIommufds),
    maxObjects: positiveInt('objects', values.objects, DEFAULT_BOUNDS.maxObjects),
    idRange: positiveInt('ids', values.ids, DEFAULT_BOUNDS.idRange),
    maxFds: positiveInt('fds', values.fds, DEFAULT_BOUNDS.maxFds),
    ops: opsOf(values.ops),
    faults: values.faults === true,
    maxDepth: positiveInt('depth', values.depth, DEFAULT_BOUNDS.maxDepth),
  };
  const outDir = values.out ?? join('counterexamples', 'explore');
  const reports: unknown[] = [];
  let unexpected = 0;
  for (const sem of profiles) {
    const r = exploreIommufd(sem, bounds, props, values['full-states'] === true, values.symmetry === true);
    const violations = r.properties.flatMap((p) => {
      if (!p.violated) return [];
      const prop = props.find((x) => x.code === p.code) as Property;
      const run = runTrace(prop, { sem, topo: bounds.topology }, { kind: 'actions', items: p.trace }, true);
      let file: string | null = null;
      if (run.violation !== null) {
        const stem = counterexampleFileName(p.code, sem.name);
        const cx = buildCounterexample({
          property: prop,
          semanticsName: sem.name,
          expectation: prop.expected(sem),
          options: { runs: 0, maxSteps: bounds.maxDepth, seed: 0 },
          derivedSeed: 0,
          path: 'exhaustive breadth-first search',
          shrinks: 0,
          topology: bounds.topology,
          records: run.records,
          violation: run.violation,
          fileStem: `explore/${stem}`,
        });
        file = join(outDir, `${stem}.json`);
        writeAtomic(file, `${JSON.stringify(cx, null, 2)}\n`);
        writeAtomic(join(outDir, `${stem}.md`), counterexampleMarkdown(cx));
      }
      if (prop.expected(sem).verdict !== 'violated') unexpected++;
      return [{ property: p.code, message: p.message, length: p.trace.length, counterexample: file }];
    });
    for (const p of r.properties)
      if (!p.violated && props.find((x) => x.code === p.code)?.expected(sem).verdict === 'violated') unexpected++;
    const x = r.result;
    reports.push({
      semantics: sem.name,
      states: x.states,
      transitions: x.transitions,
      selfLoops: x.selfLoops,
      depth: x.depth,
      exhausted: x.exhausted,
      elapsedMs: Math.round(x.elapsedMs),
      statesPerSec: x.statesPerSec,
      bytesPerState: Number(x.bytesPerState.toFixed(1)),
      peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
      collisionProbability: x.collisionProbability,
      coverage: r.coverage,
      neverSucceeded: r.neverSucceeded,
      neverEnabled: r.neverEnabled,
      witnesses: r.witnesses.map((w) => ({
        name: w.name,
        reached: w.reached,
        shortest: w.reached ? w.trace.length : null,
      })),
      properties: r.properties.map((p) => ({
        property: p.code,
        verdict: p.violated ? 'violated' : 'holds',
        vacuous: p.vacuous,
      })),
      violations,
    });
    if (values.json === true) continue;
    io.out(
      `${sem.name}: ${x.states} distinct states, ${x.transitions} transitions (${x.selfLoops} self-loops), depth ${x.depth}, ${x.exhausted ? 'exhausted' : 'NOT exhausted (a bound stopped it)'}; ${(x.elapsedMs / 1000).toFixed(1)} s, ${x.statesPerSec} states/s, ${x.bytesPerState.toFixed(1)} bytes/state; fingerprint collision probability ~${x.collisionProbability.toExponential(1)}\n`,
    );
    for (const p of r.properties) {
      const v = violations.find((y) => y.property === p.code);
      io.out(
        `  ${p.code}: ${p.violated ? `VIOLATED, shortest counterexample ${v?.length} steps: ${v?.counterexample}` : `holds in every state within the bounds${p.vacuous ? ' (VACUOUS: its precondition is never reached)' : ''}`}\n`,
      );
    }
    for (const v of violations)
      if (v.counterexample !== null) io.out(`  to reproduce: npx ioas-check replay ${v.counterexample}\n`);
    for (const w of r.witnesses)
      io.out(`  witness "${w.name}": ${w.reached ? `reached in ${w.trace.length} steps` : 'NOT reached'}\n`);
    if (r.neverSucceeded.length > 0) io.out(`  ops that never succeeded: ${r.neverSucceeded.join(', ')}\n`);
    if (r.neverEnabled.length > 0) io.out(`  ops never enabled: ${r.neverEnabled.join(', ')}\n`);
  }
  if (values.json === true)
    io.out(`${JSON.stringify(profiles.length === 1 ? reports[0] : { results: reports }, null, 2)}\n`);
  return unexpected === 0 ? 0 : 1;
}
