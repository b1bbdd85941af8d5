// Reads the files given to `kernel replay` (directories are walked for *.json) and plans each: scenarios,
// counterexamples (ioas-check/counterexample@1) and diff traces (ioas-check/diff@1).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAction } from '../checker/actionCodec.ts';
import { DEFAULT_BOUNDS } from '../checker/iommufdExplore/bounds.ts';
import { loadCounterexample } from '../checker/loadCounterexample.ts';
import type { Action } from '../model/actions.ts';
import { looksLikeScenario, parseScenario } from '../scenario/parseScenario.ts';
import type { FlavourCaps, Planned } from './labTypes.ts';
import { LAB_PROFILE, planScenario, planTrace } from './plan.ts';

const TRACE_FORMATS = ['ioas-check/counterexample@1', 'ioas-check/diff@1'];

/** A file that cannot be read or parsed: the caller turns it into a one-line exit 2. */
export class LabInputError extends Error {}

/** The JSON files under each argument (sorted), the schema excepted. */
export function expandFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (p: string) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      throw new LabInputError(`${p}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (st.isDirectory()) {
      for (const n of readdirSync(p).sort()) {
        const q = join(p, n);
        if (statSync(q).isDirectory() || (n.endsWith('.json') && !n.endsWith('.schema.json'))) walk(q);
      }
    } else files.push(p);
  };
  for (const a of args) walk(a);
  return files;
}

export function planFile(file: string, caps: FlavourCaps, profile = LAB_PROFILE): Planned[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LabInputError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LabInputError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (looksLikeScenario(json)) {
    const r = parseScenario(text);
    if (!r.ok) throw new LabInputError(`${file}: ${r.error}`);
    return planScenario(file, r.value, caps, profile);
  }
  const o = json as Record<string, unknown>;
  // Another ioas-check document (a fuzz run's report, say) found beside the traces: nothing to replay.
  const format = o['format'];
  if (typeof format === 'string' && format.startsWith('ioas-check/') && !TRACE_FORMATS.includes(format))
    return [{ kind: 'skip', file, run: 'compat', reason: `a ${format} document, not a scenario or a trace` }];
  if (o['format'] === 'ioas-check/diff@1') {
    const topo = DEFAULT_BOUNDS.topology;
    const steps = Array.isArray(o['steps']) ? (o['steps'] as Record<string, unknown>[]) : [];
    const actions: Action[] = [];
    for (const [i, s] of steps.entries()) {
      const a = decodeAction(s['action'], topo, `steps[${i}].action`);
      if (!a.ok) throw new LabInputError(`${file}: ${a.error}`);
      actions.push(a.value);
    }
    return planTrace(file, actions, topo, { scope: null, legacy: false, recorded: null }, caps, profile);
  }
  const r = loadCounterexample(text);
  if (!r.ok) throw new LabInputError(`${file}: ${r.error}`);
  const cx = r.value;
  return planTrace(
    file,
    cx.actions,
    cx.topology,
    {
      scope: cx.property.scope,
      legacy: cx.property.scope === 'legacy-reference' || cx.property.scope === 'qemu-shaped',
      recorded: cx.results,
    },
    caps,
    profile,
  );
}
