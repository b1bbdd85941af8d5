// Read-only questions about a world that properties and reports ask; pure functions.
import type { CtxId, DeviceIdx, ObjectId } from './ids.ts';
import { ctxId, objectId } from './ids.ts';
import type { Ictx, IoasObject, IommufdObject, World } from './state.ts';
import type { Topology } from './topology.ts';

export function* liveCtxs(w: World): Generator<readonly [CtxId, Ictx]> {
  for (let i = 0; i < w.ctxs.length; i++) {
    const c = w.ctxs[i];
    if (c !== undefined) yield [ctxId(i), c];
  }
}

export function* objectsOf(ictx: Ictx): Generator<readonly [ObjectId, IommufdObject]> {
  for (let i = 1; i < ictx.objects.length; i++) {
    const o = ictx.objects[i];
    if (o !== undefined) yield [objectId(i), o];
  }
}

export const objectAt = (w: World, c: CtxId, id: number): IommufdObject | undefined => w.ctxs[c]?.objects[id];

/** The IOAS a device translates through (its HWPT's IOAS, or its access's IOAS), or null when detached. */
export function deviceIoas(
  w: World,
  d: DeviceIdx,
): { readonly ctx: CtxId; readonly id: ObjectId; readonly ioas: IoasObject } | null {
  const st = w.devices[d];
  const b = st?.binding;
  if (st === undefined || b == null || !st.attached || b.id === null) return null;
  const o = objectAt(w, b.ctx, b.id);
  let ioasId: ObjectId | null = null;
  if (o?.type === 'DEVICE' && o.hwpt !== null) {
    const h = objectAt(w, b.ctx, o.hwpt);
    if (h?.type === 'HWPT_PAGING') ioasId = h.ioas;
  } else if (o?.type === 'ACCESS') {
    ioasId = o.ioas;
  }
  if (ioasId === null) return null;
  const ioas = objectAt(w, b.ctx, ioasId);
  return ioas?.type === 'IOAS' ? { ctx: b.ctx, id: ioasId, ioas } : null;
}

/** The ictx an actor's fd refers to when it is an iommufd, else null. */
export function ctxOfFd(w: World, actor: number, fd: number): CtxId | null {
  const id = w.fdTables[actor]?.[fd];
  const f = id === undefined ? undefined : w.files[id];
  return f?.kind === 'iommufd' ? f.ctx : null;
}

/** Devices reachable from an actor's open device and cdev fds. */
export function devicesOfActor(w: World, actor: number): readonly DeviceIdx[] {
  const out: DeviceIdx[] = [];
  for (const id of w.fdTables[actor] ?? []) {
    if (id === undefined) continue;
    const f = w.files[id];
    if ((f?.kind === 'device' || f?.kind === 'cdev') && !out.includes(f.device)) out.push(f.device);
  }
  return out.sort((a, b) => a - b);
}

export const groupOfDevice = (topo: Topology, d: DeviceIdx) => topo.devices[d]?.group;

/** Compact signature of every ctx's object table (ids, types, serials): equal iff the same objects exist. */
export function objectSignature(w: World): string {
  const parts: string[] = [];
  for (const [c, ictx] of liveCtxs(w)) {
    for (const [id, o] of objectsOf(ictx)) parts.push(`${c}:${id}:${o.type}:${o.serial}`);
  }
  return parts.join(',');
}
