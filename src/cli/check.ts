// `ioas-check check`: every selected property on every selected profile, a verdict table, counterexample
// files for violations, exit 0 only when every verdict matches its expectation.

import { join } from 'node:path';
import { buildCounterexample, counterexampleFileName } from '../checker/counterexample.ts';
import { type Coverage, randomCoverage } from '../checker/coverage.ts';
import { DEFAULT_BOUNDS } from '../checker/iommufdExplore/bounds.ts';
import { exploreIommufd } from '../checker/iommufdExplore/exploreIommufd.ts';
import { isModelError } from '../checker/modelError.ts';
import { type SearchOptions, type SearchOutcome, search } from '../checker/search.ts';
import { DEFAULT_SEED } from '../checker/seed.ts';
import { withLanes } from '../checker/threads/withLanes.ts';
import { DEFAULT_PROFILES, type Semantics, VARIANTS } from '../model/semantics.ts';
import type { Property } from '../properties/Property.ts';
import { claimsTable } from '../report/claimsTable.ts';
import { counterexampleMarkdown } from '../report/counterexampleMarkdown.ts';
import { nonNegativeInt, parse, positiveInt, propertyList, SEARCH_FLAGS, semanticsList } from './args.ts';
import type { Io } from './io.ts';
import { type Progress, progress } from './progress.ts';
import { writeAtomic } from './writeAtomic.ts';

export const DEFAULT_RUNS = 2500;
export const DEFAULT_MAX_STEPS = 60;

/** What exhaustive exploration at the default bounds said about a state invariant (check --exhaustive). */
export interface ExhaustiveEvidence {
  readonly verdict: 'holds' | 'violated';
  readonly states: number;
  readonly depth: number;
  readonly exhausted: boolean;
  readonly vacuous: boolean;
  /** Length of the shortest counterexample (BFS), to compare with the shrunk random one. */
  readonly shortest: number | null;
}

export interface CheckRow {
  readonly property: string;
  readonly semantics: string;
  readonly verdict: 'holds' | 'violated';
  readonly expected: 'holds' | 'violated';
  readonly match: boolean;
  readonly runs: number;
  readonly steps: number;
  readonly elapsedMs: number;
  readonly counterexample: string | null;
  readonly length: number | null;
  readonly message: string | null;
  /** Present with --exhaustive, for state invariants. */
  readonly exhaustive?: ExhaustiveEvidence;
}

function row(o: SearchOutcome, file: string | null): CheckRow {
  const expected = o.property.expected(o.semantics).verdict;
  return {
    property: o.property.code,
    semantics: o.semantics.name,
    verdict: o.verdict,
    expected,
    // A model error matches no expectation, not even an expected violation.
    match: expected === o.verdict && !(o.verdict === 'violated' && isModelError(o.found.run.violation?.message)),
    runs: o.runs,
    steps: o.steps,
    elapsedMs: o.elapsedMs,
    counterexample: file,
    length: o.verdict === 'violated' ? o.found.run.actions.length : null,
    message: o.verdict === 'violated' ? (o.found.run.violation?.message ?? null) : null,
  };
}

export function runCheck(args: readonly string[], io: Io): number {
  const { values } = parse(args, { ...SEARCH_FLAGS, coverage: { type: 'boolean' } }, false);
  const profiles = semanticsList(values.semantics, DEFAULT_PROFILES);
  const props = propertyList(values.property);
  const opts: SearchOptions = {
    runs: positiveInt('runs', values.runs, DEFAULT_RUNS),
    maxSteps: positiveInt('max-steps', values['max-steps'], DEFAULT_MAX_STEPS),
    seed: nonNegativeInt('seed', values.seed, DEFAULT_SEED),
  };
  const outDir = values.out ?? 'counterexamples';
  const bar = progress(io, values.quiet === true || values.json === true);
  const started = io.now();
  const searched = runSearches(props, profiles, opts, outDir, io, bar);
  const totalSteps = searched.totalSteps;
  const rows = values.exhaustive === true ? withExhaustive(searched.rows, props, profiles, bar) : searched.rows;
  bar.finish();
  const elapsedMs = io.now() - started;
  const mismatches = rows.filter((r) => !r.match);
  // --coverage: op x result over the sequences the mixed-scope searches generate, per profile.
  const coverage =
    values.coverage === true
      ? Object.fromEntries(profiles.map((p) => [p.name, randomCoverage(p, 'mixed', opts)]))
      : undefined;
  if (values.json === true) {
    const body = { seed: opts.seed, runs: opts.runs, maxSteps: opts.maxSteps, elapsedMs, results: rows };
    io.out(`${JSON.stringify(coverage === undefined ? body : { ...body, coverage }, null, 2)}\n`);
  } else {
    io.out(renderTable(rows, opts, elapsedMs, totalSteps, io.color === true));
    if (coverage !== undefined) io.out(`\n${renderCoverage(coverage)}`);
    if (profiles.some((p) => p.variants.some((v) => (VARIANTS as readonly string[]).includes(v)))) {
      io.out(`\nClaims x designs:\n\n${claimsTable(rows)}\n`);
    }
  }
  return mismatches.length === 0 ? 0 : 1;
}

/** Runs every property on every profile and writes a counterexample (JSON + Markdown) for each violation. */
export function runSearches(
  props: readonly Property[],
  profiles: readonly Semantics[],
  opts: SearchOptions,
  outDir: string,
  io: Io,
  bar: Progress,
): { readonly rows: CheckRow[]; readonly totalSteps: number } {
  const rows: CheckRow[] = [];
  const total = props.length * profiles.length;
  let totalSteps = 0;
  for (const p of props) {
    for (const sem of profiles) {
      bar.update(rows.length, total, `${p.code} on ${sem.name}`, totalSteps);
      const o = search(p, sem, { ...opts, runs: opts.runs * (p.runsScale ?? 1) }, io.now);
      totalSteps += o.steps;
      let file: string | null = null;
      if (o.verdict === 'violated' && o.found.run.violation !== null) {
        const stem = counterexampleFileName(p.code, sem.name);
        // Threaded runs carry each step's thread (lane) into the saved file.
        const cx = withLanes(
          buildCounterexample({
            property: p,
            semanticsName: sem.name,
            expectation: p.expected(sem),
            options: opts,
            derivedSeed: o.found.seed,
            path: o.found.path,
            shrinks: o.found.numShrinks,
            topology: o.found.topology,
            records: o.found.run.records,
            violation: o.found.run.violation,
            fileStem: stem,
          }),
          o.found.run,
        );
        file = join(outDir, `${stem}.json`);
        writeAtomic(file, `${JSON.stringify(cx, null, 2)}\n`);
        writeAtomic(join(outDir, `${stem}.md`), counterexampleMarkdown(cx));
      }
      rows.push(row(o, file));
    }
  }
  return { rows, totalSteps };
}

/** Explores each profile once at the default bounds and attaches the result to the state-invariant rows. */
export function withExhaustive(
  rows: CheckRow[],
  props: readonly Property[],
  profiles: readonly Semantics[],
  bar: Progress,
): CheckRow[] {
  const invariants = props.filter((p) => p.kind === 'state invariant');
  if (invariants.length === 0) return rows;
  const out = [...rows];
  profiles.forEach((sem, i) => {
    bar.update(i, profiles.length, `exploring ${sem.name} exhaustively`, 0);
    const r = exploreIommufd(sem, DEFAULT_BOUNDS, invariants);
    for (const p of r.properties) {
      const k = out.findIndex((x) => x.property === p.code && x.semantics === sem.name);
      const row = out[k];
      if (row === undefined) continue;
      out[k] = {
        ...row,
        exhaustive: {
          verdict: p.violated ? 'violated' : 'holds',
          states: r.result.states,
          depth: r.result.depth,
          exhausted: r.result.exhausted,
          vacuous: p.vacuous,
          shortest: p.violated ? p.trace.length : null,
        },
      };
    }
  });
  return out;
}

/** op x result counts, one line per op: `VFIO_GROUP_GET_DEVICE_FD  ok 812  EINVAL 95  ...` per profile. */
function renderCoverage(coverage: Readonly<Record<string, Coverage>>): string {
  const lines: string[] = ['Coverage of the random search (op: result count ...), per profile:'];
  for (const [profile, table] of Object.entries(coverage)) {
    lines.push(`  ${profile}`);
    for (const [op, results] of Object.entries(table).sort()) {
      lines.push(
        `    ${op.padEnd(34)} ${Object.entries(results)
          .sort((a, b) => b[1] - a[1])
          .map(([r, n]) => `${r} ${n}`)
          .join('  ')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderTable(
  rows: readonly CheckRow[],
  opts: SearchOptions,
  elapsedMs: number,
  totalSteps: number,
  color = false,
): string {
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  const w = {
    p: Math.max(8, ...rows.map((r) => r.property.length)),
    s: Math.max(9, ...rows.map((r) => r.semantics.length)),
  };
  lines.push(
    `ioas-check: ${new Set(rows.map((r) => r.property)).size} properties on ${new Set(rows.map((r) => r.semantics)).size} profiles; ${opts.runs} runs of at most ${opts.maxSteps} steps each; seed ${opts.seed}`,
  );
  lines.push('');
  lines.push(`${'property'.padEnd(w.p)}  ${'semantics'.padEnd(w.s)}  verdict    expected   evidence`);
  let previous = '';
  for (const r of rows) {
    const name = r.property === previous ? '' : r.property;
    previous = r.property;
    const mark = r.match ? paint(32, 'ok'.padEnd(8)) : paint(31, 'MISMATCH');
    const x = r.exhaustive;
    const exhaustive =
      x === undefined
        ? ''
        : x.verdict === 'holds'
          ? `; exhaustive: holds in all ${x.states} states to depth ${x.depth}${x.exhausted ? '' : ' (bounded)'}${x.vacuous ? ' (VACUOUS)' : ''}`
          : `; exhaustive: violated, shortest ${x.shortest} steps`;
    const evidence =
      (r.verdict === 'holds'
        ? `${r.runs} runs, ${r.steps} steps`
        : `${r.length}-step counterexample: ${r.counterexample?.replace(/\.json$/, '.md')}`) + exhaustive;
    lines.push(
      `${name.padEnd(w.p)}  ${r.semantics.padEnd(w.s)}  ${r.verdict.padEnd(9)}  ${r.expected.padEnd(9)}  ${mark} ${evidence}`,
    );
  }
  const bad = rows.filter((r) => !r.match);
  lines.push('');
  lines.push(
    `${rows.length - bad.length}/${rows.length} verdicts match their expectation; ${totalSteps} model steps in ${(elapsedMs / 1000).toFixed(1)}s (${Math.round(totalSteps / Math.max(1, elapsedMs / 1000))} steps/s).`,
  );
  for (const r of rows)
    if (r.verdict === 'violated' && r.match) lines.push(`to reproduce: npx ioas-check replay ${r.counterexample}`);
  for (const r of bad) {
    lines.push(
      r.verdict === 'violated'
        ? `MISMATCH ${r.property} on ${r.semantics}: expected to hold, violated: ${r.message}\n  to reproduce: npx ioas-check replay ${r.counterexample}`
        : `MISMATCH ${r.property} on ${r.semantics}: expected a violation, none found in ${r.runs} runs (try more --runs or --max-steps)`,
    );
  }
  return `${lines.join('\n')}\n`;
}
