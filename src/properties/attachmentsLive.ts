import { objectAt } from '../model/inspect.ts';
import type { World } from '../model/state.ts';
import { expecting, injected } from './expecting.ts';
import { HOLDS, invariantMonitor, type Property, type RunContext } from './Property.ts';

function check(w: World, ctx: RunContext): string | null {
  for (let d = 0; d < w.devices.length; d++) {
    const st = w.devices[d];
    const name = ctx.topo.devices[d]?.name;
    const b = st?.binding;
    if (st === undefined || b == null) {
      if (st?.attached) return `${name} is attached but not bound`;
      continue;
    }
    if (w.ctxs[b.ctx] === undefined) return `${name} is bound to a released iommufd`;
    if (b.id === null) {
      if (st.attached) return `${name} is attached without an access object`;
      continue;
    }
    const o = objectAt(w, b.ctx, b.id);
    if (o === undefined) return `${name} is bound to missing object ${b.id}`;
    if (o.type === 'DEVICE') {
      if (st.attached !== (o.hwpt !== null)) return `${name}: iommufd_attached=${st.attached} but idev->hwpt=${o.hwpt}`;
      if (o.hwpt === null) continue;
      const h = objectAt(w, b.ctx, o.hwpt);
      if (h?.type !== 'HWPT_PAGING') return `${name} is attached to missing HWPT ${o.hwpt}`;
      if (objectAt(w, b.ctx, h.ioas)?.type !== 'IOAS') return `${name}'s HWPT ${o.hwpt} has no live IOAS`;
    } else if (o.type === 'ACCESS') {
      if (st.attached !== (o.ioas !== null)) return `${name}: attached=${st.attached} but access->ioas=${o.ioas}`;
      if (o.ioas !== null && objectAt(w, b.ctx, o.ioas)?.type !== 'IOAS') return `${name}'s access has no live IOAS`;
    } else {
      return `${name} is bound to a ${o.type}`;
    }
  }
  return null;
}

export const attachmentsLive: Property = {
  code: 'attachments-live',
  title: "Every attached device's HWPT and IOAS are live",
  claim: {
    quote: 'An attached device holds a reference on its HWPT, which holds its IOAS: neither can be destroyed under it.',
    source:
      'device.c iommufd_device_attach() refcount_inc(&hwpt->obj.users); hw_pagetable.c refcount_inc(&ioas->obj.users)',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: expecting(() => HOLDS, {
    'bug-emulated-unbind-skipped': injected(
      'emulated devices skip the unbind, so the ACCESS and its ictx reference leak',
      'Kevin Tian on v1 of "Connect VFIO to IOMMUFD" (kernel-history.md section 3)',
    ),
    'bug-attached-at-bind': injected(
      'iommufd_attached is set at bind, so a device whose attach failed is torn down as if attached',
      'Yi Liu, https://lore.kernel.org/r/Y3JVHh8RY4XGb+Ss@nvidia.com',
    ),
  }),
  check: { kind: 'monitor', create: (ctx) => invariantMonitor((w) => check(w, ctx)) },
};
