import type { Action } from '../model/actions.ts';
import { deviceIoas, devicesOfActor } from '../model/inspect.ts';
import { formatResult } from '../model/result.ts';
import { initialWorld } from '../model/state.ts';
import { step } from '../model/step.ts';
import type { Property, RunContext } from './Property.ts';

/** What a legacy application can observe after each of its steps: the result, and for each device it holds
 * open, the IOVA areas of the IOAS the device translates through. */
function observe(trace: readonly Action[], ctx: RunContext): Map<number, string> {
  const legacy = new Set(ctx.topo.actors.flatMap((a, i) => (a.kind === 'legacy' ? [i] : [])));
  let w = initialWorld(ctx.topo);
  const seen = new Map<number, string>();
  trace.forEach((a, i) => {
    const r = step(w, a, ctx.sem, ctx.topo);
    w = r.world;
    if (!legacy.has(a.actor)) return;
    const views = devicesOfActor(w, a.actor).map((d) => {
      const io = deviceIoas(w, d);
      const areas =
        io === null ? 'detached' : io.ioas.areas.map((x) => `${x.iova.toString(16)}-${x.last.toString(16)}`).join(' ');
      return `${ctx.topo.devices[d]?.name}: [${areas}]`;
    });
    seen.set(i, `${formatResult(r.result)}; ${views.join('; ') || 'no devices'}`);
  });
  return seen;
}

const isInterference = (a: Action, legacy: (n: number) => boolean): boolean =>
  !legacy(a.actor) && (a.kind === 'IOMMU_VFIO_IOAS' || a.kind === 'IOMMU_DESTROY');

/** Two runs: with and without the native application's IOMMU_VFIO_IOAS and IOMMU_DESTROY calls. */
export const nonInterference: Property = {
  code: 'non-interference',
  title: "A legacy app's observations do not depend on another app's IOMMU_VFIO_IOAS / IOMMU_DESTROY",
  claim: {
    quote:
      'Jason Gunthorpe on IOAS_SET making devices of one "container" land on different IOASes: "the user gets what it asked for"; Kevin Tian: this is the "funny things with IOAS_SET on vfio-compat", not something we want to prohibit.',
    source: 'iommufd v3 14/15 review, https://lore.kernel.org/r/Y2meOyG2zY4iMupy@nvidia.com',
  },
  kind: 'two-run property',
  scope: 'mixed',
  expected: () => ({
    verdict: 'violated',
    reason:
      'intended: a process sharing the iommufd may redirect the legacy app\'s later opens and maps ("not something we want to prohibit")',
    citation: 'kernel-history.md section 3, items 1-2; vfio_compat.c iommufd_vfio_ioas()',
  }),
  check: {
    kind: 'two-run',
    check(trace, ctx) {
      const isLegacy = (n: number) => ctx.topo.actors[n]?.kind === 'legacy';
      if (!trace.some((a) => isInterference(a, isLegacy))) return null;
      const withOther = observe(trace, ctx);
      const kept: number[] = [];
      const without: Action[] = [];
      trace.forEach((a, i) => {
        if (!isInterference(a, isLegacy)) {
          kept.push(i);
          without.push(a);
        }
      });
      const withoutObs = observe(without, ctx);
      for (let j = 0; j < without.length; j++) {
        const i = kept[j] as number;
        const x = withOther.get(i);
        const y = withoutObs.get(j);
        if (x !== y) {
          return {
            step: i,
            message: `legacy step ${i} observed "${x}" with the other app's IOMMU_VFIO_IOAS/IOMMU_DESTROY, "${y}" without`,
          };
        }
      }
      return null;
    },
  },
};
