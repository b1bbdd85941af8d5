import { objectSignature } from '../model/inspect.ts';
import { expecting, injected } from './expecting.ts';
import { HOLDS, type Property, stepMonitor } from './Property.ts';

/** A failed VFIO_GROUP_GET_DEVICE_FD (any errno, injected faults included) changes nothing. */
export const failedOpenLeavesNoTrace: Property = {
  code: 'failed-open-leaves-no-trace',
  title: 'A failed VFIO_GROUP_GET_DEVICE_FD leaves no binding, no DMA ownership, no object, the same open count',
  claim: {
    quote:
      'The bind error path: a failed compat-id lookup or a failed attach must unbind ("failed attach always unbinds").',
    source:
      '"vfio-iommufd: Support iommufd for physical VFIO devices" v2/v3 review, Nov 2022 (vfio_iommufd_bind() err_unbind)',
  },
  kind: 'step property',
  scope: 'mixed',
  expected: expecting(
    (sem) =>
      sem.compatCreateAtOpen
        ? {
            verdict: 'violated',
            reason:
              'finding: v6.2 re-creates and finalizes a compat IOAS during the open (iommufd_vfio_compat_ioas_id()) when it was cleared or destroyed; if the attach or open_device then fails, the open unbinds but the new IOAS stays, as vfio_ioas',
            citation:
              'v6.2 drivers/vfio/iommufd.c vfio_iommufd_bind() err_unbind; vfio_compat.c iommufd_vfio_compat_ioas_id() @2c55d703',
          }
        : HOLDS,
    {
      'bug-emulated-unbind-skipped': injected(
        'emulated devices skip the unbind, so the ACCESS and its ictx reference leak',
        'Kevin Tian on v1 of "Connect VFIO to IOMMUFD" (kernel-history.md section 3)',
      ),
    },
  ),
  check: {
    kind: 'monitor',
    create: (ctx) =>
      stepMonitor((s) => {
        if (s.action.kind !== 'VFIO_GROUP_GET_DEVICE_FD' || s.result.kind !== 'errno') return null;
        for (let d = 0; d < s.before.devices.length; d++) {
          const b = s.before.devices[d];
          const a = s.after.devices[d];
          if (JSON.stringify(b) !== JSON.stringify(a)) {
            return `${ctx.topo.devices[d]?.name} changed from ${JSON.stringify(b)} to ${JSON.stringify(a)}`;
          }
        }
        const before = objectSignature(s.before);
        const after = objectSignature(s.after);
        if (before !== after) return `objects changed: {${before}} -> {${after}}`;
        for (let c = 0; c < Math.max(s.before.ctxs.length, s.after.ctxs.length); c++) {
          if (s.before.ctxs[c]?.vfioIoas !== s.after.ctxs[c]?.vfioIoas) return `vfio_ioas of ctx ${c} changed`;
        }
        return null;
      }),
  },
};
