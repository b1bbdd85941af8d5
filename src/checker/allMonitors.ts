// Runs every monitor property at once over one trace: the per-step checking cost the bench measures, and a
// quick way to ask "which properties does this trace violate".
import type { Action } from '../model/actions.ts';
import { initialWorld } from '../model/state.ts';
import { step } from '../model/step.ts';
import type { Monitor, Property, RunContext } from '../properties/Property.ts';

export function violatedBy(props: readonly Property[], ctx: RunContext, actions: readonly Action[]): readonly string[] {
  const monitors: [string, Monitor][] = [];
  for (const p of props) if (p.check.kind === 'monitor') monitors.push([p.code, p.check.create(ctx)]);
  const violated = new Set<string>();
  let w = initialWorld(ctx.topo);
  actions.forEach((action, index) => {
    const out = step(w, action, ctx.sem, ctx.topo);
    for (const [code, m] of monitors) {
      if (violated.has(code)) continue;
      if (m.step({ index, before: w, action, result: out.result, after: out.world, events: out.events }) !== null)
        violated.add(code);
    }
    w = out.world;
  });
  for (const [code, m] of monitors) if (!violated.has(code) && m.end(w) !== null) violated.add(code);
  return [...violated];
}
