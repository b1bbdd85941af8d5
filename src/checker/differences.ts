// Enumerates the classes of difference between the legacy container and iommufd compat for one profile:
// search for a divergence, record its class and shrunk counterexample, search again skipping the classes
// found, until a search finds nothing new. Every row of the resulting table comes from a counterexample.

import type { DifferenceClass } from '../model/legacy/differences.ts';
import type { Semantics } from '../model/semantics.ts';
import { compatMatchesType1Skipping } from '../properties/compatMatchesType1.ts';
import { firstDivergence } from '../properties/shared/legacyComparison.ts';
import { type FoundViolation, type SearchOptions, search } from './search.ts';

export interface FoundDifference {
  readonly cls: DifferenceClass;
  readonly legacy: string;
  readonly compat: string;
  readonly found: FoundViolation;
  readonly round: number;
}

export function enumerateDifferences(sem: Semantics, opts: SearchOptions, maxRounds = 40): readonly FoundDifference[] {
  const out: FoundDifference[] = [];
  const skip = new Set<string>();
  for (let round = 0; round < maxRounds; round++) {
    const prop = compatMatchesType1Skipping(skip);
    const o = search(prop, sem, { ...opts, seed: opts.seed + round });
    if (o.verdict !== 'violated') break;
    const d = firstDivergence(o.found.run.actions, { sem, topo: o.found.topology }, skip);
    if (d === null) throw new Error('checker bug: a shrunk divergence does not diverge again');
    out.push({ cls: d.cls, legacy: d.legacy, compat: d.compat, found: o.found, round });
    skip.add(d.cls.id);
  }
  return out.sort((a, b) => a.cls.id.localeCompare(b.cls.id, 'en', { numeric: true }));
}
