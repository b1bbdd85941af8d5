// `kernel replay --c`: each counterexample's kselftest-style C reproducer (src/report/render/renderC.ts) built
// statically on the host and run in the guest after the batch, its devices named as the lab's. Its exit status
// says whether the real kernel gave the recorded answers, the ones that make the violation (0 yes, 1 no, 4 the
// machine lacks what it needs); the executor's own verdict on the same trace must say the same.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCounterexample } from '../checker/loadCounterexample.ts';
import { renderC } from '../report/render/renderC.ts';
import { traceOf } from '../report/render/Trace.ts';
import type { LabSequence } from './labTypes.ts';
import { labSlots } from './slots.ts';

export type CBuild =
  | { readonly kind: 'built'; readonly name: string; readonly binary: Buffer; readonly args: string }
  | { readonly kind: 'not-expressible'; readonly reason: string };

/** Builds the reproducer of a counterexample sequence (compat run); null for anything else. */
export function buildReproducer(seq: LabSequence, name: string): CBuild | null {
  if (seq.recorded === null || seq.run !== 'compat') return null;
  const r = loadCounterexample(readFileSync(seq.file, 'utf8'));
  if (!r.ok) return { kind: 'not-expressible', reason: r.error };
  const c = renderC(traceOf(r.value));
  if (c.kind !== 'c') return { kind: 'not-expressible', reason: c.reason };
  const slots = labSlots(r.value.topology, new Set());
  if (!slots.ok) return { kind: 'not-expressible', reason: slots.reason };
  // Model device name = the lab slot whose sysfs name the guest's init puts on the command line.
  const args = r.value.topology.devices.map((d, i) => `${d.name}=${slots.slots.device(i as never)}`).join(' ');
  const dir = mkdtempSync(join(tmpdir(), 'ioas-c-'));
  try {
    writeFileSync(join(dir, 'repro.c'), c.text);
    const cc = spawnSync(
      'gcc',
      ['-static', '-O1', '-Wall', '-Werror', '-o', join(dir, 'repro'), join(dir, 'repro.c')],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (cc.status !== 0) return { kind: 'not-expressible', reason: `gcc: ${(cc.stderr ?? '').split('\n')[0]}` };
    return { kind: 'built', name, binary: readFileSync(join(dir, 'repro')), args };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CRun {
  readonly exit: number | null;
  /** The TAP lines that failed (`not ok ...` and the `#` lines after them). */
  readonly failed: readonly string[];
}

/** The reproducers' output in the guest's output: `C|<name>|<line>` lines, the last one `exit N`. A failed step
 * prints its `#` diagnostics, then `not ok`. */
export function parseCRuns(output: string): Map<string, CRun> {
  const runs = new Map<string, { exit: number | null; failed: string[]; pending: string[] }>();
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith('C|')) continue;
    const bar = line.indexOf('|', 2);
    if (bar < 0) continue;
    const name = line.slice(2, bar);
    const text = line.slice(bar + 1);
    const r = runs.get(name) ?? { exit: null, failed: [], pending: [] };
    const m = /^exit (\d+)$/.exec(text);
    if (m !== null) r.exit = Number(m[1]);
    else if (text.startsWith('not ok')) {
      r.failed.push(text, ...r.pending);
      r.pending = [];
    } else if (text.startsWith('#')) r.pending.push(text);
    else r.pending = [];
    runs.set(name, r);
  }
  return new Map([...runs].map(([k, v]) => [k, { exit: v.exit, failed: v.failed }]));
}
