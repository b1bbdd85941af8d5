// One IOMMU group, one domain: the devices of a group bound to one iommufd and attached are attached to the same
// HWPT. A replace that moved only one device of a two-device group would break it and no other property sees it.
import type { World } from '../model/state.ts';
import { HOLDS, invariantMonitor, type Property, type RunContext } from './Property.ts';

function check(w: World, ctx: RunContext): string | null {
  for (const [c, ictx] of w.ctxs.entries()) {
    if (ictx === undefined) continue;
    const hwptOfGroup = new Map<number, number>();
    for (const o of ictx.objects) {
      if (o?.type !== 'DEVICE' || o.hwpt === null) continue;
      const spec = ctx.topo.devices[o.device];
      if (spec === undefined) continue; // a selftest mock device: a group of its own
      const seen = hwptOfGroup.get(spec.group);
      if (seen !== undefined && seen !== o.hwpt)
        return `group ${ctx.topo.groups[spec.group]?.name} has devices on HWPT ${seen} and HWPT ${o.hwpt} in iommufd ctx${c}`;
      hwptOfGroup.set(spec.group, o.hwpt);
    }
  }
  return null;
}

export const groupOneDomain: Property = {
  code: 'group-one-domain',
  title: 'The attached devices of one IOMMU group in one iommufd share one HWPT',
  claim: {
    quote:
      'The iommu core attaches a whole group to a domain: every device of a group is on the one domain (igroup->hwpt); a replace moves the group.',
    source:
      'device.c iommufd_device_do_attach()/iommufd_device_do_replace() (igroup->hwpt, v6.4+); v6.2 iommu_attach_group() EBUSY for a second domain',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: () => HOLDS,
  check: { kind: 'monitor', create: (ctx) => invariantMonitor((w) => check(w, ctx)) },
};
