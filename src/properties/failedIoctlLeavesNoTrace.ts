import type { Action } from '../model/actions.ts';
import type { World } from '../model/state.ts';
import { failedOpenLeavesNoTrace } from './failedOpenLeavesNoTrace.ts';
import { type Property, type StepInfo, stepMonitor } from './Property.ts';

/** Ioctls that only read: their success changes nothing either (IOMMU_VFIO_IOAS GET is op 0). */
function readOnly(a: Action): boolean {
  switch (a.kind) {
    case 'VFIO_GET_API_VERSION':
    case 'VFIO_CHECK_EXTENSION':
    case 'VFIO_IOMMU_GET_INFO':
      return true;
    case 'IOMMU_VFIO_IOAS':
      return a.op === 0;
    default:
      return false;
  }
}

/** The calls that are not ioctls: opening, closing and passing fds change the fd tables by design. */
const notIoctl = (a: Action): boolean =>
  a.kind === 'open' || a.kind === 'open_group' || a.kind === 'open_cdev' || a.kind === 'close' || a.kind === 'pass_fd';

/**
 * The kernel's documented partial effects of a failed ioctl, each with its citation: a world with what they may
 * change put back, or null when the step is one of them and changed something else too (then it is compared in
 * full). Only these are excused.
 */
function excused(s: StepInfo): { readonly before: World; readonly after: World } | null {
  const a = s.action;
  if ((a.kind === 'IOMMU_IOAS_UNMAP' || a.kind === 'VFIO_IOMMU_UNMAP_DMA') && s.result.kind === 'errno') {
    // io_pagetable.c iopt_unmap_iova_range(): areas are unmapped one by one in IOVA order; one that straddles
    // the range's edge stops the loop with ENOENT (EBUSY for one being mapped), and what was unmapped before it
    // stays unmapped. So a failed unmap may remove whole areas, and nothing else.
    const removedOnly = s.before.ctxs.every((c, ci) =>
      (c?.objects ?? []).every((o, oi) => {
        const n = s.after.ctxs[ci]?.objects[oi];
        if (o?.type !== 'IOAS' || n?.type !== 'IOAS') return true;
        return n.areas.every((x) => o.areas.some((y) => y.iova === x.iova && y.last === x.last));
      }),
    );
    if (!removedOnly) return null;
    const noAreas = (w: World): World => ({
      ...w,
      ctxs: w.ctxs.map((c) =>
        c === undefined ? c : { ...c, objects: c.objects.map((o) => (o?.type === 'IOAS' ? { ...o, areas: [] } : o)) },
      ),
    });
    return { before: noAreas(s.before), after: noAreas(s.after) };
  }
  return null;
}

/** Failed ioctls the kernel undoes with another operation that is not the exact inverse, each cited. */
function undoneOtherwise(s: StepInfo): boolean {
  const a = s.action;
  // device_cdev.c vfio_df_ioctl_attach_pt(): when copy_to_user() of pt_id fails after a successful attach (or
  // replace), out_detach calls ->detach_ioas(): the device ends up detached, not back where it was.
  return a.kind === 'VFIO_DEVICE_ATTACH_IOMMUFD_PT' && a.fault === 'copy_to_user';
}

/**
 * A failed ioctl, and a read-only one, leaves the world as it found it: no object, reference, binding,
 * attachment, compat pointer or fd changes. The uAPI's own rule (include/uapi/linux/iommufd.h "General ioctl
 * format": an errno means the request was refused) and iommufd's abort paths (iommufd_object_abort*()) say so;
 * a WARN-only partial effect is a finding, not an exception.
 */
export const failedIoctlLeavesNoTrace: Property = {
  code: 'failed-ioctl-leaves-no-trace',
  title: 'A failed or read-only ioctl changes nothing: no object, reference, binding, compat IOAS or fd',
  claim: {
    quote:
      'EOPNOTSUPP: ... a known field has a value the kernel does not understand or support. EINVAL: Everything about the IOCTL was understood, but a field is not correct.',
    source: 'include/uapi/linux/iommufd.h, "General ioctl format" (the errno contract of every iommufd ioctl)',
  },
  kind: 'step property',
  scope: 'mixed',
  // The same exceptions as for the failed open, which is one of the failed ioctls: F1 on v6.2 and the injected
  // review-caught defect of skipping the unbind.
  expected: failedOpenLeavesNoTrace.expected,
  check: {
    kind: 'monitor',
    create: () =>
      stepMonitor((s) => {
        if (notIoctl(s.action) || (s.result.kind !== 'errno' && !readOnly(s.action))) return null;
        if (s.before === s.after || undoneOtherwise(s)) return null;
        // A step that oopses leaves whatever the oops left: that is no-kernel-warn's finding, not this one's.
        if (s.events.some((e) => e.kind === 'kernel_oops')) return null;
        const w = excused(s) ?? { before: s.before, after: s.after };
        // nextSerial is the model's own generation counter (object identity for the monitors), not kernel state.
        const b = JSON.stringify({ ...w.before, nextSerial: 0 });
        const a = JSON.stringify({ ...w.after, nextSerial: 0 });
        if (b === a) return null;
        let i = 0;
        while (i < b.length && b[i] === a[i]) i++;
        const what = s.result.kind === 'errno' ? `failed with ${s.result.errno}` : 'read only';
        return `${s.action.kind} ${what} but changed the world near …${b.slice(Math.max(0, i - 80), i + 60)}… -> …${a.slice(Math.max(0, i - 80), i + 60)}…`;
      }),
  },
};
