// `ioas-check diff --semantics A --vs B [--max-steps N] [--json]`: the shortest action sequences on which two
// profiles (versions, design variants, bug flags) give different results, one per distinct divergence, each
// written as a counterexample pair (JSON + Markdown) under counterexamples/diff/<A>--vs--<B>/.
import { join } from 'node:path';
import { encodeAction } from '../checker/actionCodec.ts';
import { diffProfiles } from '../checker/diff.ts';
import { DEFAULT_BOUNDS, DEFAULT_EXPLORE_OPS, type ExploreBounds } from '../checker/iommufdExplore/bounds.ts';
import type { ActionKind } from '../model/actions.ts';
import { formatAction } from '../report/formatAction.ts';
import { table } from '../report/markdownTable.ts';
import { parse, positiveInt, semanticsList } from './args.ts';
import { type Io, UsageError } from './io.ts';
import { writeAtomic } from './writeAtomic.ts';

/** The calls a design comparison offers: the explore defaults plus the container ioctls. */
const DIFF_OPS: readonly ActionKind[] = [
  ...DEFAULT_EXPLORE_OPS.filter((k) => k !== 'pass_fd'),
  'VFIO_IOMMU_MAP_DMA',
  'VFIO_IOMMU_UNMAP_DMA',
  'VFIO_SET_IOMMU',
  'VFIO_CHECK_EXTENSION',
];

export function runDiff(args: readonly string[], io: Io): number {
  const { values } = parse(
    args,
    {
      semantics: { type: 'string' },
      vs: { type: 'string' },
      'max-steps': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (values.semantics === undefined || values.vs === undefined)
    throw new UsageError('diff needs --semantics A and --vs B');
  const [a] = semanticsList([values.semantics], []);
  const [b] = semanticsList([values.vs], []);
  if (a === undefined || b === undefined) throw new UsageError('diff needs one profile on each side');
  const maxSteps = positiveInt('max-steps', values['max-steps'], 6);
  const bounds: ExploreBounds = { ...DEFAULT_BOUNDS, maxObjects: 4, ops: new Set(DIFF_OPS) };
  const r = diffProfiles(a, b, bounds, maxSteps);
  const dir = join(values.out ?? join('counterexamples', 'diff'), `${a.name}--vs--${b.name}`);
  const rows: string[][] = [];
  const json: unknown[] = [];
  r.divergences.forEach((d, i) => {
    const stem = `divergence-${String(i + 1).padStart(2, '0')}`;
    const steps = d.trace.map((act, k) => ({
      index: k,
      action: encodeAction(act, bounds.topology),
      [a.name]: d.resultsA[k],
      [b.name]: d.resultsB[k],
    }));
    const file = join(dir, `${stem}.json`);
    writeAtomic(
      file,
      `${JSON.stringify({ format: 'ioas-check/diff@1', a: a.name, b: b.name, divergence: d.key, steps }, null, 2)}\n`,
    );
    const md = [
      `# ${a.name} vs ${b.name}: ${d.key}`,
      '',
      table(
        ['step', 'ioctl', a.name, b.name],
        steps.map((s) => [String(s.index), formatAction(s.action), String(s[a.name]), String(s[b.name])]),
      ),
      '',
    ].join('\n');
    writeAtomic(join(dir, `${stem}.md`), md);
    rows.push([String(i + 1), d.key, String(d.trace.length), file.replace(/\.json$/, '.md')]);
    json.push({ divergence: d.key, length: d.trace.length, counterexample: file });
  });
  if (values.json === true) {
    io.out(
      `${JSON.stringify({ a: a.name, b: b.name, pairs: r.pairs, depth: r.depth, exhausted: r.exhausted, divergences: json }, null, 2)}\n`,
    );
  } else {
    io.out(
      `${a.name} vs ${b.name}: ${r.divergences.length} distinct divergences within ${maxSteps} steps (${r.pairs} state pairs${r.exhausted ? ', exhausted' : ''})\n\n`,
    );
    io.out(`${table(['#', 'first differing op: A vs B', 'steps', 'counterexample pair'], rows)}\n`);
  }
  return 0;
}
