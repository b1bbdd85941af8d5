// `ioas-check differences [--semantics S]...`: the legacy-vs-compat difference table, one shrunk
// counterexample per class, written to counterexamples/differences/<semantics>/.
import { join } from 'node:path';
import { buildCounterexample } from '../checker/counterexample.ts';
import { enumerateDifferences } from '../checker/differences.ts';
import { DEFAULT_SEED } from '../checker/seed.ts';
import { compatMatchesType1 } from '../properties/compatMatchesType1.ts';
import { counterexampleMarkdown } from '../report/counterexampleMarkdown.ts';
import { table } from '../report/markdownTable.ts';
import { nonNegativeInt, parse, positiveInt, semanticsList } from './args.ts';
import type { Io } from './io.ts';
import { writeAtomic } from './writeAtomic.ts';

export function runDifferences(args: readonly string[], io: Io): number {
  const { values } = parse(
    args,
    {
      semantics: { type: 'string', multiple: true },
      runs: { type: 'string' },
      'max-steps': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const profiles = semanticsList(values.semantics, ['v6.6', 'latest']);
  const opts = {
    runs: positiveInt('runs', values.runs, 2000),
    maxSteps: positiveInt('max-steps', values['max-steps'], 30),
    seed: nonNegativeInt('seed', values.seed, DEFAULT_SEED),
  };
  const outDir = values.out ?? join('counterexamples', 'differences');
  const report: unknown[] = [];
  for (const sem of profiles) {
    const found = enumerateDifferences(sem, opts);
    const rows: string[][] = [];
    for (const f of found) {
      const stem = f.cls.id.replace('#', 'row').replace('§', 'sec');
      const file = join(outDir, sem.name, `${stem}.json`);
      const cx = buildCounterexample({
        property: compatMatchesType1,
        semanticsName: sem.name,
        expectation: compatMatchesType1.expected(sem),
        options: { ...opts, seed: opts.seed + f.round },
        derivedSeed: f.found.seed,
        path: f.found.path,
        shrinks: f.found.numShrinks,
        topology: f.found.topology,
        records: f.found.run.records,
        violation: f.found.run.violation ?? { step: 0, message: '' },
        fileStem: `differences/${sem.name}/${stem}`,
      });
      writeAtomic(file, `${JSON.stringify(cx, null, 2)}\n`);
      writeAtomic(join(outDir, sem.name, `${stem}.md`), counterexampleMarkdown(cx));
      rows.push([
        f.cls.id,
        f.cls.title,
        f.cls.status,
        f.legacy,
        f.compat,
        `[${f.found.run.actions.length} steps](${file.replace(/\.json$/, '.md')})`,
      ]);
      report.push({
        semantics: sem.name,
        id: f.cls.id,
        title: f.cls.title,
        status: f.cls.status,
        source: f.cls.source,
        legacy: f.legacy,
        compat: f.compat,
        counterexample: file,
      });
    }
    if (values.json !== true) {
      io.out(`Legacy container vs iommufd compat on ${sem.name}: ${found.length} difference classes\n\n`);
      io.out(`${table(['row', 'difference', 'status', 'legacy', 'compat', 'counterexample'], rows)}\n\n`);
    }
  }
  if (values.json === true) io.out(`${JSON.stringify({ differences: report }, null, 2)}\n`);
  return 0;
}
