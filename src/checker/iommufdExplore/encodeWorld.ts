// Canonical packed-integer encoding of a World for the explorer's state identity. Object serials and the
// serial counter are left out on purpose: they record history (which object came first), not kernel state,
// and two paths to the same kernel state must meet.
import type { IommufdObject, OpenFile, World } from '../../model/state.ts';

const PATH = { '/dev/iommu': 1, '/dev/vfio/vfio': 2 } as const;

function objectWords(o: IommufdObject, out: Int32Array, n: number): number {
  switch (o.type) {
    case 'IOAS':
      out[n++] = 1;
      out[n++] = o.users;
      out[n++] = o.largePagesDisabled ? 1 : 0;
      out[n++] = o.hwptList.length;
      for (const h of o.hwptList) out[n++] = h;
      out[n++] = o.areas.length;
      for (const a of o.areas) {
        out[n++] = a.iova;
        out[n++] = a.last;
      }
      return n;
    case 'HWPT_PAGING':
      out[n++] = 2;
      out[n++] = o.users;
      out[n++] = o.ioas;
      out[n++] = o.auto ? 1 : 0;
      return n;
    case 'DEVICE':
      out[n++] = 3;
      out[n++] = o.users;
      out[n++] = o.device;
      out[n++] = o.hwpt ?? 0;
      return n;
    case 'ACCESS':
      out[n++] = 4;
      out[n++] = o.users;
      out[n++] = o.device;
      out[n++] = o.ioas ?? 0;
      return n;
    case 'SELFTEST':
      out[n++] = 5;
      out[n++] = o.users;
      out[n++] = o.mock.kind === 'idev' ? 1 : 2;
      out[n++] = o.mock.id;
      return n;
    default: {
      const never: never = o;
      return never;
    }
  }
}

function fileWords(f: OpenFile, out: Int32Array, n: number): number {
  out[n++] = f.fds;
  switch (f.kind) {
    case 'iommufd':
      out[n++] = 1;
      out[n++] = f.ctx;
      return n;
    case 'group':
      out[n++] = 2;
      out[n++] = f.group;
      return n;
    case 'device':
      out[n++] = 3;
      out[n++] = f.device;
      out[n++] = f.iommufd ?? -1;
      out[n++] = f.accessGranted ? 1 : 0;
      return n;
    case 'cdev':
      out[n++] = 4;
      out[n++] = f.device;
      out[n++] = f.bound ?? -1;
      return n;
    case 'access':
      // Selftest access fds (scenario-only); the pinned items are part of the state.
      out[n++] = 5;
      out[n++] = f.ctx;
      out[n++] = f.access;
      out[n++] = f.needsPin ? 1 : 0;
      out[n++] = f.nextItem;
      out[n++] = f.items.length;
      return n;
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** Writes the encoding into `out` and returns its length (every list carries its length: prefix-free). */
export function encodeWorld(w: World, out: Int32Array): number {
  let n = 0;
  out[n++] = w.ctxs.length;
  for (const c of w.ctxs) {
    if (c === undefined) {
      out[n++] = 0;
      continue;
    }
    out[n++] = 1;
    out[n++] = c.vfioIoas ?? 0;
    out[n++] = c.noIommuMode ? 1 : 0;
    out[n++] = c.kernelRefs;
    out[n++] = c.file;
    out[n++] = PATH[c.path];
    out[n++] = c.objects.length;
    for (let id = 1; id < c.objects.length; id++) {
      const o = c.objects[id];
      if (o === undefined) out[n++] = 0;
      else n = objectWords(o, out, n);
    }
  }
  out[n++] = w.files.length;
  for (const f of w.files) {
    if (f === undefined) out[n++] = -1;
    else n = fileWords(f, out, n);
  }
  out[n++] = w.fdTables.length;
  for (const t of w.fdTables) {
    out[n++] = t.length;
    for (const id of t) out[n++] = id ?? -1;
  }
  for (const g of w.groups) {
    out[n++] = g.file ?? -1;
    out[n++] = g.iommufd ?? -1;
    out[n++] = g.cdevOpenCnt;
    out[n++] = g.cachedCompatId ?? 0;
  }
  for (const d of w.devices) {
    out[n++] = d.openCount;
    out[n++] = d.binding === null ? 0 : d.binding.kind === 'idev' ? 1 : 2;
    out[n++] = d.binding?.ctx ?? -1;
    out[n++] = d.binding?.id ?? -1;
    out[n++] = d.attached ? 1 : 0;
  }
  return n;
}
