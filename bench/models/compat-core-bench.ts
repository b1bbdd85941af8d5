// The compat-core benchmark: explore the model to exhaustion with its invariants on one core and report the
// explorer's throughput. The pinned state counts are checked, so a fast but wrong run cannot pass as a result.
import { explore } from '../../src/checker/explore/explore.ts';
import { compatCore } from './compat-core.ts';
import { coreInvariants } from './compat-core-invariants.ts';

/** Reachable states by object bound, from an independent reference implementation. */
export const EXPECTED_STATES: Readonly<Record<number, number>> = { 6: 41_104, 7: 252_624, 8: 1_488_896 };

export interface CompatCoreBenchResult {
  readonly model: 'compat-core';
  readonly states: number;
  readonly transitions: number;
  readonly elapsedMs: number;
  readonly statesPerSec: number;
  readonly bytesPerState: number;
}

export function compatCoreBench(objects: number): CompatCoreBenchResult {
  const r = explore(compatCore(objects), { invariants: coreInvariants });
  const expected = EXPECTED_STATES[objects];
  // Each of these means the model or the explorer is broken, not that the benchmark was slow.
  if (!r.exhausted) throw new Error('compat-core: exploration stopped before exhausting the state space');
  if (expected !== undefined && r.states !== expected)
    throw new Error(`compat-core: ${r.states} states with ${objects} objects, expected ${expected}`);
  const [v] = r.violations;
  if (v !== undefined) throw new Error(`compat-core: invariant ${v.invariant} violated: ${v.message}`);
  return {
    model: 'compat-core',
    states: r.states,
    transitions: r.transitions,
    elapsedMs: Math.round(r.elapsedMs),
    statesPerSec: r.statesPerSec,
    bytesPerState: Math.round(r.bytesPerState * 100) / 100,
  };
}
