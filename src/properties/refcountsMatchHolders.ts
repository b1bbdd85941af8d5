import type { World } from '../model/state.ts';
import { expecting, injected } from './expecting.ts';
import { invariantMonitor, type Property, type RunContext } from './Property.ts';

/** users of each object and the ictx's kernel references, recomputed from the holders that exist.
 * Written as plain loops over arrays: this invariant runs after every step of every run. */
function check(w: World, ctx: RunContext): string | null {
  for (let c = 0; c < w.ctxs.length; c++) {
    const ictx = w.ctxs[c];
    if (ictx === undefined) continue;
    const objects = ictx.objects;
    const expected: number[] = new Array(objects.length).fill(1);
    for (let id = 1; id < objects.length; id++) {
      const o = objects[id];
      if (o === undefined) continue;
      if (o.type === 'HWPT_PAGING') expected[o.ioas] = (expected[o.ioas] ?? 1) + 1;
      else if (o.type === 'ACCESS' && o.ioas !== null) expected[o.ioas] = (expected[o.ioas] ?? 1) + 1;
      else if (o.type === 'DEVICE' && o.hwpt !== null) {
        expected[o.hwpt] = (expected[o.hwpt] ?? 1) + 1;
        expected[id] = (expected[id] ?? 1) + 1;
      }
    }
    let refs = 0;
    for (const g of w.groups) if (g.iommufd === c) refs++;
    for (const d of w.devices) {
      const b = d.binding;
      if (b === null || b.ctx !== c) continue;
      if (b.id !== null) expected[b.id] = (expected[b.id] ?? 1) + 1;
      refs += b.kind === 'access' && !ctx.sem.emulatedAccessAtBind ? 1 + (b.id !== null ? 1 : 0) : 1;
    }
    for (const f of w.files) if (f?.kind === 'cdev' && f.bound === c) refs++;
    for (let id = 1; id < objects.length; id++) {
      const o = objects[id];
      if (o !== undefined && o.users !== expected[id])
        return `ctx ${c}: ${o.type} ${id} has users ${o.users}, holders say ${expected[id]}`;
    }
    if (ictx.kernelRefs !== refs)
      return `ctx ${c}: ${ictx.kernelRefs} iommufd_ctx_get() references, but ${refs} holders exist`;
  }
  return null;
}

export const refcountsMatchHolders: Property = {
  code: 'refcounts-match-holders',
  title: 'Every reference count equals the holders that exist (objects and the iommufd context)',
  claim: {
    quote:
      'Error path must release exactly the reference it took; iommufd context refcount returns to its prior value after a failed SET_CONTAINER.',
    source: 'kernel-history.md B1, section 6 item 1; main.c/device.c users discipline',
  },
  kind: 'state invariant',
  scope: 'mixed',
  expected: expecting(
    (sem) => {
      if (sem.closeUsesDfIommufd) return { verdict: 'holds' };
      const l1 =
        'L1 finding: after UNSET_CONTAINER (or closing the group fd) with a device open, closing the device skips the unbind; the next first open binds a second DEVICE while the leaked one keeps its users and its HWPT reference';
      return sem.version === 'v6.2'
        ? {
            verdict: 'violated',
            reason: `known kernel bug B1: a failed compat IOAS allocation in SET_CONTAINER puts the NULL group->iommufd and leaks the new ictx reference (fixed by d649c34cb916, v6.3, stable 6.2.3); and the ${l1}`,
            citation: 'v6.2 drivers/vfio/group.c vfio_group_ioctl_set_container(), vfio_device_group_close()',
          }
        : {
            verdict: 'violated',
            reason: l1,
            citation:
              'v6.3 drivers/vfio/group.c vfio_device_group_close() passes group->iommufd; vfio/iommufd.c vfio_iommufd_physical_bind() overwrites vdev->iommufd_device',
          };
    },
    {
      'bug-emulated-unbind-skipped': injected(
        'emulated devices skip the unbind, so the ACCESS and its ictx reference leak',
        'Kevin Tian on v1 of "Connect VFIO to IOMMUFD" (kernel-history.md section 3)',
      ),
    },
  ),
  check: { kind: 'monitor', create: (ctx) => invariantMonitor((w) => check(w, ctx)) },
};
