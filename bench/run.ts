// npm run bench [-- NAME...] [--objects N] [--json]: throughput benchmarks (not tests). Names: model, search, check,
// compat-core (the explicit-state explorer on bench/models/compat-core.ts; --objects is its object bound, default 6),
// and, only when named, lab, kernel and resident (the real-kernel lab: npm run kernel:setup first).
import fc from 'fast-check';
import { violatedBy } from '../src/checker/allMonitors.ts';
import { DEFAULT_BOUNDS } from '../src/checker/iommufdExplore/bounds.ts';
import { exploreIommufd } from '../src/checker/iommufdExplore/exploreIommufd.ts';
import { resolve } from '../src/checker/resolve.ts';
import { topologyFor } from '../src/checker/scope.ts';
import { search } from '../src/checker/search.ts';
import { templatesArb } from '../src/checker/template.ts';
import { runCheck } from '../src/cli/check.ts';
import { fuzz } from '../src/lab/fuzz.ts';
import { defaultCache, findLab } from '../src/lab/labCache.ts';
import { planTrace } from '../src/lab/plan.ts';
import { batchText, replayOnKernel } from '../src/lab/replayOnKernel.ts';
import { ResidentGuest, residentRunner } from '../src/lab/resident.ts';
import { FLAVOUR_CAPS } from '../src/lab/setup.ts';
import type { Action } from '../src/model/actions.ts';
import { DEFAULT_PROFILES, semantics } from '../src/model/semantics.ts';
import { initialWorld } from '../src/model/state.ts';
import { step } from '../src/model/step.ts';
import { PROPERTIES, propertyByCode } from '../src/properties/registry.ts';
import { compatCoreBench } from './models/compat-core-bench.ts';
import { MAX_OBJECTS } from './models/compat-core-state.ts';

type Result = Record<string, string | number>;

function traces(count: number): readonly (readonly Action[])[] {
  const topo = topologyFor('mixed');
  const sem = semantics('latest');
  return fc.sample(templatesArb('mixed', 60), { numRuns: count, seed: 7 }).map((ts) => {
    let w = initialWorld(topo);
    return ts.map((t) => {
      const a = resolve(w, t, topo);
      w = step(w, a, sem, topo).world;
      return a;
    });
  });
}

/** Model steps/s: the reducer alone, and the reducer with every per-step (monitor) property checked. */
function model(): Result {
  const topo = topologyFor('mixed');
  const sem = semantics('latest');
  const all = traces(3000);
  const steps = all.reduce((n, t) => n + t.length, 0);
  let t0 = performance.now();
  for (let rep = 0; rep < 3; rep++) {
    for (const t of all) {
      let w = initialWorld(topo);
      for (const a of t) w = step(w, a, sem, topo).world;
    }
  }
  const bare = (3 * steps) / ((performance.now() - t0) / 1000);
  // Every per-step property of the atomic model (the threaded ones check thread lanes, not these traces).
  const monitors = PROPERTIES.filter((p) => p.check.kind === 'monitor' && p.scope !== 'threaded');
  t0 = performance.now();
  for (const t of all) violatedBy(monitors, { sem, topo }, t);
  const checked = steps / ((performance.now() - t0) / 1000);
  return {
    bench: 'model',
    traces: all.length,
    steps,
    reducerStepsPerSec: Math.round(bare),
    checkedStepsPerSec: Math.round(checked),
    monitors: monitors.length,
  };
}

/** fast-check search throughput for one cheap and one expensive property (generation + resolve + step + check). */
function searchBench(): Result {
  const out: Result = { bench: 'search' };
  for (const code of ['vfio-ioas-live', 'refcounts-match-holders']) {
    const p = propertyByCode(code);
    if (p === undefined) throw new Error(code);
    const o = search(p, semantics('latest'), { runs: 4000, maxSteps: 60, seed: 42 }, () => performance.now());
    out[`${code} steps/s`] = Math.round(o.steps / (o.elapsedMs / 1000));
  }
  return out;
}

/** The bare `npm run check` budget, timed in-process (counterexamples go to a scratch folder). */
function checkBench(): Result {
  const t0 = performance.now();
  const code = runCheck(['--out', '/tmp/ioas-check-bench', '--quiet', '--json'], {
    out: () => {},
    err: () => {},
    tty: false,
    now: () => Date.now(),
  });
  return {
    bench: 'check',
    exitCode: code,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    cells: PROPERTIES.length * DEFAULT_PROFILES.length,
  };
}

const args = process.argv.slice(2);
const json = args.includes('--json');
// `--objects N` takes a value, so N must not be read as a benchmark name.
const objectsAt = args.indexOf('--objects');
const objects = objectsAt < 0 ? 6 : Number(args[objectsAt + 1]);
if (!Number.isInteger(objects) || objects < 1 || objects > MAX_OBJECTS) {
  process.stderr.write(`bench: --objects takes an integer in 1..${MAX_OBJECTS}, got '${args[objectsAt + 1] ?? ''}'\n`);
  process.exit(2);
}
const names = args.filter((a, i) => !a.startsWith('--') && (objectsAt < 0 || i !== objectsAt + 1));
/** The real iommufd model explored to exhaustion at the default `ioas-check explore` bounds. */
function exploreBench(): Result {
  const r = exploreIommufd(semantics('latest'), DEFAULT_BOUNDS, PROPERTIES);
  const x = r.result;
  return {
    bench: 'explore (iommufd model, default bounds, latest)',
    states: x.states,
    transitions: x.transitions,
    selfLoops: x.selfLoops,
    depth: x.depth,
    exhausted: String(x.exhausted),
    elapsedMs: Math.round(x.elapsedMs),
    statesPerSec: x.statesPerSec,
    bytesPerState: Number(x.bytesPerState.toFixed(1)),
  };
}

/**
 * The real-kernel lab's throughput: 1,000 short generated sequences (the checker's own generator, cut to 8
 * steps, no injected faults, the boot with the IOMMU) replayed in one boot of the debian lab, each step compared
 * with the model. Needs `npm run kernel:setup`; run it by name (`npm run bench -- lab`).
 */
function labBench(): Result {
  const lab = findLab(defaultCache(), 'debian');
  if ('missing' in lab) throw new Error(lab.missing);
  const topo = topologyFor('mixed');
  const planned = traces(4000)
    .map((t) => t.slice(0, 8))
    .flatMap((t, i) =>
      planTrace(`generated-${i}`, t, topo, { scope: 'mixed', legacy: false, recorded: null }, FLAVOUR_CAPS.debian),
    )
    .filter((p) => p.kind === 'run' && p.seq.boot === 'iommu')
    .slice(0, 1000);
  const t0 = performance.now();
  const r = replayOnKernel(lab, planned);
  const ms = performance.now() - t0;
  const steps = r.outcomes.reduce((n, o) => n + o.steps.length, 0);
  const agree = r.outcomes.reduce((n, o) => n + o.steps.filter((s) => s.verdict === 'agree').length, 0);
  return {
    bench: 'lab',
    release: r.release,
    sequences: r.outcomes.length,
    steps,
    agreeingSteps: agree,
    disagreeingRuns: r.outcomes.filter((o) => !o.match).length,
    boots: r.boots,
    guestMs: Math.round(r.guestMs),
    wallMs: Math.round(ms),
    sequencesPerSec: Math.round((r.outcomes.length / ms) * 1000),
  };
}

/** kernel fuzz's throughput: 20,000 generated sequences of up to 30 steps on the debian lab, every step compared
 * with the model (the issue's target: under 5 minutes, boots included). Run by name: `npm run bench -- kernel`. */
function kernelBench(): Result {
  const lab = findLab(defaultCache(), 'debian');
  if ('missing' in lab) throw new Error(lab.missing);
  const t0 = performance.now();
  const guest = residentRunner();
  const r = fuzz(
    lab,
    { runs: 20_000, seed: 7, scope: 'mixed', maxSteps: 30, noiommu: false, batch: 5000, shrinkRounds: 12 },
    () => {},
    guest,
  );
  guest.close();
  const ms = performance.now() - t0;
  const steps = r.outcomes.reduce((n, o) => n + o.steps.length, 0);
  return {
    bench: 'kernel',
    release: r.release,
    sequences: r.outcomes.length,
    steps,
    disagreementClasses: r.classes.length,
    boots: r.boots,
    wallMs: Math.round(ms),
    guestMs: Math.round(r.guestMs),
    sequencesPerSec: Math.round((r.outcomes.length / ms) * 1000),
    stepsPerSec: Math.round((steps / ms) * 1000),
    guestStepsPerSec: Math.round((steps / r.guestMs) * 1000),
    hostMs: Math.round(ms - r.guestMs),
  };
}

/**
 * The resident guest: one boot, then the cost of a round trip (one 10-step sequence) and of a shrink round (30
 * candidates of 29 steps, the fuzzer's worst case for a 30-step sequence) as batches. Run by name.
 */
function residentBench(): Result {
  const lab = findLab(defaultCache(), 'debian');
  if ('missing' in lab) throw new Error(lab.missing);
  const topo = topologyFor('mixed');
  const seqs = traces(3000)
    .flatMap((t, i) =>
      planTrace(`generated-${i}`, t, topo, { scope: 'mixed', legacy: false, recorded: null }, FLAVOUR_CAPS.debian),
    )
    .flatMap((p) => (p.kind === 'run' && p.seq.boot === 'iommu' ? [p.seq] : []));
  const t0 = performance.now();
  const g = ResidentGuest.start(lab, 'iommu');
  const bootMs = performance.now() - t0;
  const trip: number[] = [];
  for (const s of seqs.filter((x) => x.steps.length >= 10).slice(0, 20)) {
    const t = performance.now();
    g.run(batchText([{ ...s, steps: s.steps.slice(0, 10) }]), 60_000);
    trip.push(performance.now() - t);
  }
  const long = seqs.filter((x) => x.steps.length >= 29).slice(0, 30);
  const round = long.map((s, i) => ({ ...s, id: `c${i}`, steps: s.steps.slice(0, 29) }));
  const t1 = performance.now();
  g.run(batchText(round), 120_000);
  const roundMs = performance.now() - t1;
  g.stop();
  trip.sort((a, b) => a - b);
  return {
    bench: 'resident',
    bootMs: Math.round(bootMs),
    roundTripMedianMs: Number((trip[Math.floor(trip.length / 2)] ?? 0).toFixed(1)),
    shrinkRoundCandidates: round.length,
    shrinkRoundSteps: round.reduce((n, s) => n + s.steps.length, 0),
    shrinkRoundMs: Math.round(roundMs),
  };
}

const BENCHES: Record<string, () => Result> = {
  model,
  search: searchBench,
  check: checkBench,
  explore: exploreBench,
  'compat-core': () => ({ ...compatCoreBench(objects) }),
  lab: labBench,
  kernel: kernelBench,
  resident: residentBench,
};
/** Run only when named: they need the real-kernel lab. */
const ON_REQUEST = new Set(['lab', 'kernel', 'resident']);
for (const n of names)
  if (!(n in BENCHES)) {
    process.stderr.write(`bench: unknown benchmark '${n}' (${Object.keys(BENCHES).join(', ')})\n`);
    process.exit(2);
  }
for (const n of names.length > 0 ? names : Object.keys(BENCHES).filter((b) => !ON_REQUEST.has(b))) {
  const r = (BENCHES[n] as () => Result)();
  // compat-core against the issue's targets (Spin's compiled verifier: 400,000 states/s; 32 bytes per state).
  const targets =
    n === 'compat-core'
      ? `  [targets: >= 400000 states/s ${Number(r['statesPerSec']) >= 400_000 ? 'met' : 'NOT met'}, <= 32 bytes/state ${Number(r['bytesPerState']) <= 32 ? 'met' : 'NOT met'}]`
      : '';
  process.stdout.write(
    json
      ? `${JSON.stringify(r)}\n`
      : `${Object.entries(r)
          .map(([k, v]) => `${k}: ${v}`)
          .join('  ')}${targets}\n`,
  );
}
