// `ioas-check replay FILE...`: re-runs saved counterexamples and says whether each still reproduces exactly.
import { readFileSync } from 'node:fs';
import { type LoadedCounterexample, loadCounterexample } from '../checker/loadCounterexample.ts';
import { replayCounterexample } from '../checker/replay.ts';
import { parse } from './args.ts';
import { type Io, UsageError } from './io.ts';

export function runReplay(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, true);
  if (positionals.length === 0) throw new UsageError('replay needs at least one counterexample file');
  const loaded: [string, LoadedCounterexample][] = positionals.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const r = loadCounterexample(text);
    if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
    return [file, r.value];
  });
  let failed = 0;
  const results: unknown[] = [];
  for (const [file, cx] of loaded) {
    const o = replayCounterexample(cx);
    results.push({ file, semantics: cx.semantics.name, property: cx.property.code, outcome: o });
    if (o.kind !== 'reproduced') failed++;
    if (values.json === true) continue;
    switch (o.kind) {
      case 'reproduced':
        io.out(
          `${file}: reproduced: ${cx.property.code} violated on ${cx.semantics.name} at step ${o.violation.step}: ${o.violation.message}\n`,
        );
        break;
      case 'diverged':
        io.out(
          `${file}: NOT reproduced: step ${o.step} expected ${o.expected}, got ${o.got}\nstate at that step:\n${JSON.stringify(o.state, null, 2)}\n`,
        );
        break;
      case 'violation-differs':
        io.out(
          `${file}: NOT reproduced: expected violation at step ${o.expected.step} (${o.expected.message}), got ${o.got === null ? 'no violation' : `step ${o.got.step} (${o.got.message})`}\n`,
        );
        break;
      default: {
        const never: never = o;
        return never;
      }
    }
  }
  if (values.json === true) io.out(`${JSON.stringify({ results }, null, 2)}\n`);
  return failed === 0 ? 0 : 1;
}
