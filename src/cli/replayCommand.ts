// `ioas-check replay FILE...`: re-runs saved counterexamples (same results, same violation) and conformance
// scenarios (each step's expected result on each profile the scenario lists). The file's shape decides which.
import { readFileSync } from 'node:fs';
import { type LoadedCounterexample, loadCounterexample } from '../checker/loadCounterexample.ts';
import { replayCounterexample } from '../checker/replay.ts';
import { looksLikeScenario, parseScenario } from '../scenario/parseScenario.ts';
import { runScenario } from '../scenario/runScenario.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import { parse, semanticsList } from './args.ts';
import { type Io, UsageError } from './io.ts';

type Loaded =
  | { readonly kind: 'counterexample'; readonly file: string; readonly cx: LoadedCounterexample }
  | { readonly kind: 'scenario'; readonly file: string; readonly scenario: Scenario };

function load(file: string): Loaded {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (looksLikeScenario(json)) {
    const r = parseScenario(text);
    if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
    return { kind: 'scenario', file, scenario: r.value };
  }
  const r = loadCounterexample(text);
  if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
  return { kind: 'counterexample', file, cx: r.value };
}

export function runReplay(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, semantics: { type: 'string', multiple: true } },
    true,
  );
  if (positionals.length === 0) throw new UsageError('replay needs at least one counterexample file');
  const only = values.semantics === undefined ? null : semanticsList(values.semantics, []).map((s) => s.name);
  const loaded = positionals.map(load);
  const json = values.json === true;
  let failed = 0;
  const results: unknown[] = [];
  for (const l of loaded) {
    if (l.kind === 'scenario') {
      failed += replayScenario(l.file, l.scenario, only, json, results, io);
      continue;
    }
    const { file, cx } = l;
    const o = replayCounterexample(cx);
    results.push({ file, semantics: cx.semantics.name, property: cx.property.code, outcome: o });
    if (o.kind !== 'reproduced') failed++;
    if (json) continue;
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
  if (json) io.out(`${JSON.stringify({ results }, null, 2)}\n`);
  return failed === 0 ? 0 : 1;
}

/** Runs a scenario on each profile it lists (narrowed by --semantics); returns the number of failed runs. */
function replayScenario(
  file: string,
  s: Scenario,
  only: readonly string[] | null,
  json: boolean,
  results: unknown[],
  io: Io,
): number {
  let failed = 0;
  for (const profile of s.profiles.filter((p) => only === null || only.includes(p))) {
    const run = runScenario(s, profile);
    results.push({ file, semantics: profile, match: run.match, steps: run.steps });
    if (!run.match) failed++;
    if (json) continue;
    const f = run.failure;
    if (f === null) {
      io.out(`${file}: ${profile}: match (${run.steps.length} steps)\n`);
    } else {
      io.out(
        `${file}: ${profile}: MISMATCH at step ${f.step} (${f.op})\n  expected: ${f.expected}\n  got:      ${f.got}\nstate at that step:\n${JSON.stringify(f.state, null, 2)}\n`,
      );
    }
  }
  return failed;
}
