import { CDEV_KINDS } from '../model/actions.ts';
import { formatResult } from '../model/result.ts';
import type { World } from '../model/state.ts';
import { step } from '../model/step.ts';
import { HOLDS, type Property, stepMonitor } from './Property.ts';

/** Every ctx's vfio_ioas flipped: cleared where set, set to the lowest IOAS where clear. */
function flipCompat(w: World): World {
  return {
    ...w,
    ctxs: w.ctxs.map((c) => {
      if (c === undefined) return c;
      if (c.vfioIoas !== null) return { ...c, vfioIoas: null };
      const ioas = c.objects.findIndex((o) => o?.type === 'IOAS');
      return ioas > 0 ? { ...c, vfioIoas: ioas as never } : c;
    }),
  };
}

/** cdev operations neither read nor change vfio_ioas: the same step on a world with vfio_ioas flipped gives
 * the same result and the same effects. */
export const cdevIgnoresVfioIoas: Property = {
  code: 'cdev-ignores-vfio-ioas',
  title: 'cdev operations never read or change vfio_ioas',
  claim: {
    quote: 'An iommufd native application will use cdev where IOAS_SET and compat ioas are irrelevant.',
    source: 'Kevin Tian, v2 07/11 review, Nov 2022',
  },
  kind: 'step property',
  scope: 'mixed',
  expected: () => HOLDS,
  check: {
    kind: 'monitor',
    create: (ctx) =>
      stepMonitor((s) => {
        if (!CDEV_KINDS.has(s.action.kind) && !isCdevClose(s.before, s.action)) return null;
        for (let c = 0; c < s.before.ctxs.length; c++) {
          if (
            s.before.ctxs[c] !== undefined &&
            s.after.ctxs[c] !== undefined &&
            s.before.ctxs[c]?.vfioIoas !== s.after.ctxs[c]?.vfioIoas
          ) {
            return `${s.action.kind} changed vfio_ioas of ctx ${c}`;
          }
        }
        const alt = step(flipCompat(s.before), s.action, ctx.sem, ctx.topo);
        if (formatResult(alt.result) !== formatResult(s.result)) {
          return `${s.action.kind} returned ${formatResult(s.result)}, but ${formatResult(alt.result)} with vfio_ioas flipped`;
        }
        const ev = (xs: readonly unknown[]) =>
          JSON.stringify(xs.filter((e) => (e as { kind: string }).kind !== 'compat_ioas_changed'));
        if (ev(alt.events) !== ev(s.events)) return `${s.action.kind} had different effects with vfio_ioas flipped`;
        return null;
      }),
  },
};

function isCdevClose(w: World, a: { kind: string; actor: number; fd?: number }): boolean {
  if (a.kind !== 'close' || a.fd === undefined) return false;
  const id = w.fdTables[a.actor]?.[a.fd];
  return id !== undefined && w.files[id]?.kind === 'cdev';
}
