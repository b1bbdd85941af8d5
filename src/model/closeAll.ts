// Closing every fd of every actor, in actor and fd order: what remains afterwards is leaked.

import type { ModelEvent } from './events.ts';
import { actorId, fd } from './ids.ts';
import type { Semantics } from './semantics.ts';
import type { World } from './state.ts';
import { step } from './step.ts';
import type { Topology } from './topology.ts';

export function closeAll(
  world: World,
  sem: Semantics,
  topo: Topology,
): { readonly world: World; readonly events: readonly ModelEvent[] } {
  let w = world;
  const events: ModelEvent[] = [];
  for (let a = 0; a < w.fdTables.length; a++) {
    const table = w.fdTables[a] ?? [];
    for (let n = 0; n < table.length; n++) {
      if (w.fdTables[a]?.[n] === undefined) continue;
      const r = step(w, { kind: 'close', actor: actorId(a), fd: fd(n) }, sem, topo);
      w = r.world;
      events.push(...r.events);
    }
  }
  return { world: w, events };
}
