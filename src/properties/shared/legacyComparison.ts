// Runs one legacy application's trace on iommufd's compat mode and on the legacy container model in
// lockstep, and reports the first step whose results differ (with its legacy-vfio.md difference class).
import type { Action } from '../../model/actions.ts';
import { classifyDifference, type DifferenceClass } from '../../model/legacy/differences.ts';
import { initialLegacyWorld } from '../../model/legacy/state.ts';
import { legacyStep } from '../../model/legacy/step.ts';
import { formatResult } from '../../model/result.ts';
import { initialWorld } from '../../model/state.ts';
import { step } from '../../model/step.ts';
import type { RunContext } from '../Property.ts';

export interface Divergence {
  readonly step: number;
  readonly legacy: string;
  readonly compat: string;
  readonly cls: DifferenceClass;
}

/** The first divergence, unless its class is in `skip`; steps either model does not model are not compared. */
export function firstDivergence(
  trace: readonly Action[],
  ctx: RunContext,
  skip: ReadonlySet<string> = new Set(),
): Divergence | null {
  let w = initialWorld(ctx.topo);
  let lw = initialLegacyWorld(ctx.topo);
  for (let i = 0; i < trace.length; i++) {
    const a = trace[i] as Action;
    const c = step(w, a, ctx.sem, ctx.topo);
    const l = legacyStep(lw, a, ctx.sem.version, ctx.topo);
    if (c.result.kind !== 'unmodelled' && l.result.kind !== 'unmodelled') {
      const x = formatResult(l.result);
      const y = formatResult(c.result);
      if (x !== y) {
        const cls = classifyDifference(a, l.result, c.result, lw, (g) => ctx.topo.groups[g]?.kind ?? '');
        // Only the first divergence counts: after it the two worlds differ and later differences follow from it.
        return skip.has(cls.id) ? null : { step: i, legacy: x, compat: y, cls };
      }
    }
    w = c.world;
    lw = l.world;
  }
  return null;
}

export const divergenceMessage = (d: Divergence, op: string): string =>
  `${op}: the legacy container gives ${d.legacy}, iommufd compat gives ${d.compat} — ${d.cls.id} ${d.cls.title} (${d.cls.status})`;
