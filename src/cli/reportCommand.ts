// `ioas-check report [--semantics S]... [--out DIR] [--from RESULTS.json]`: runs the check (or reads the
// `check --json` results of an earlier run) and writes DIR/report.md and DIR/report.html with the counterexamples beside it, each
// also as ITF JSON, a Mermaid diagram and, where the trace allows, a C reproducer.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadCounterexample } from '../checker/loadCounterexample.ts';
import { DEFAULT_SEED } from '../checker/seed.ts';
import { DEFAULT_PROFILES } from '../model/semantics.ts';
import { reportHtml } from '../report/html/reportHtml.ts';
import { renderC } from '../report/render/renderC.ts';
import { renderItf } from '../report/render/renderItf.ts';
import { renderMermaid } from '../report/render/renderMermaid.ts';
import { traceOf } from '../report/render/Trace.ts';
import { reportMarkdown } from '../report/reportMarkdown.ts';
import { nonNegativeInt, parse, positiveInt, propertyList, SEARCH_FLAGS, semanticsList } from './args.ts';
import { type CheckRow, DEFAULT_MAX_STEPS, DEFAULT_RUNS, runSearches, withExhaustive } from './check.ts';
import { type Io, UsageError } from './io.ts';
import { progress } from './progress.ts';
import { writeAtomic } from './writeAtomic.ts';

interface Results {
  readonly seed: number;
  readonly runs: number;
  readonly maxSteps: number;
  readonly rows: readonly CheckRow[];
}

function readResults(file: string): Results {
  let j: { seed?: unknown; runs?: unknown; maxSteps?: unknown; results?: unknown };
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `${file}: cannot read check results: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (
    typeof j.seed !== 'number' ||
    typeof j.runs !== 'number' ||
    typeof j.maxSteps !== 'number' ||
    !Array.isArray(j.results)
  ) {
    throw new UsageError(
      `${file}: expected the output of 'ioas-check check --json' ({ seed, runs, maxSteps, results })`,
    );
  }
  return { seed: j.seed, runs: j.runs, maxSteps: j.maxSteps, rows: j.results as CheckRow[] };
}

export function runReport(args: readonly string[], io: Io): number {
  const { values } = parse(
    args,
    { ...SEARCH_FLAGS, from: { type: 'string' }, 'kernel-fuzz': { type: 'string' }, 'kernel-race': { type: 'string' } },
    false,
  );
  const kernelFuzz = readLabReport(
    values['kernel-fuzz'],
    join('counterexamples', 'kernel-fuzz', 'kernel-fuzz.md'),
    'kernel fuzz',
  );
  const kernelRace = readLabReport(
    values['kernel-race'],
    join('counterexamples', 'kernel-race', 'kernel-race.md'),
    'kernel race',
  );
  const outDir = values.out ?? 'report';
  let results: Results;
  let cxDir: string;
  if (values.from !== undefined) {
    results = readResults(values.from);
    cxDir = '';
  } else {
    const opts = {
      runs: positiveInt('runs', values.runs, DEFAULT_RUNS),
      maxSteps: positiveInt('max-steps', values['max-steps'], DEFAULT_MAX_STEPS),
      seed: nonNegativeInt('seed', values.seed, DEFAULT_SEED),
    };
    cxDir = join(outDir, 'counterexamples');
    const bar = progress(io, values.quiet === true);
    const props = propertyList(values.property);
    const profiles = semanticsList(values.semantics, DEFAULT_PROFILES);
    const searched = runSearches(props, profiles, opts, cxDir, io, bar).rows;
    const rows = values.exhaustive === true ? withExhaustive(searched, props, profiles, bar) : searched;
    bar.finish();
    results = { ...opts, rows };
  }
  // The renderings go into the report folder (beside the counterexamples when the search ran here).
  const renderDir = join(outDir, 'counterexamples');
  for (const r of results.rows) if (r.counterexample !== null) writeRenderings(r.counterexample, renderDir);
  // Counterexample paths relative to the report, so its links work wherever the folder is published.
  const rows = results.rows.map((r) => ({
    ...r,
    counterexample: r.counterexample === null ? null : relative(outDir, r.counterexample),
  }));
  const md = reportMarkdown({
    rows,
    seed: results.seed,
    runs: results.runs,
    maxSteps: results.maxSteps,
    kernelFuzz,
    kernelRace,
  });
  writeAtomic(join(outDir, 'report.md'), md);
  const counterexamples = results.rows.flatMap((r) => {
    if (r.counterexample === null) return [];
    const loaded = loadCounterexample(readFileSync(r.counterexample, 'utf8'));
    return loaded.ok ? [loaded.value.file] : [];
  });
  writeAtomic(join(outDir, 'report.html'), reportHtml({ rows, counterexamples, title: 'ioas-check report' }));
  const files = [
    join(outDir, 'report.md'),
    join(outDir, 'report.html'),
    ...results.rows.flatMap((r) => (r.counterexample === null ? [] : [r.counterexample])),
  ];
  if (values.json === true)
    io.out(`${JSON.stringify({ report: files[0], html: files[1], counterexamples: files.slice(2) }, null, 2)}\n`);
  else if (values.quiet !== true) io.out(`wrote ${files[0]} and ${files[1]}\n`);
  return 0;
}

/** A lab run's Markdown (kernel fuzz's kernel-fuzz.md, kernel race's kernel-race.md): the file given, else the
 * committed one if there is one; a file given that cannot be read is a usage error. */
function readLabReport(given: string | undefined, committed: string, what: string): string | null {
  const file = given ?? committed;
  if (given === undefined && !existsSync(file)) return null;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `${file}: cannot read the ${what} report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/** Beside each counterexample: `<name>.itf.json`, `<name>.mmd` and, where the trace is expressible, `<name>.c`. */
function writeRenderings(jsonPath: string, dir: string): void {
  const loaded = loadCounterexample(readFileSync(jsonPath, 'utf8'));
  if (!loaded.ok) throw new UsageError(`${jsonPath}: ${loaded.error}`);
  const stem = join(dir, basename(jsonPath).replace(/\.json$/, ''));
  const itf = renderItf(loaded.value, jsonPath);
  if (itf.ok) writeAtomic(`${stem}.itf.json`, `${JSON.stringify(itf.value, null, 2)}\n`);
  const trace = traceOf(loaded.value);
  writeAtomic(`${stem}.mmd`, renderMermaid(trace));
  const c = renderC(trace);
  if (c.kind !== 'not-expressible') writeAtomic(`${stem}.c`, c.text);
}
