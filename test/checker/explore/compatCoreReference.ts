// compat-core written the obvious way (objects in a Map, one field per concept, the rules read off the spec),
// as the oracle for the packed benchmark model, and a common view of both for comparing them.

import { type CoreAction, coreActions } from '../../../bench/models/compat-core.ts';
import {
  type CoreState,
  DEVICE,
  devHwpt,
  devObj,
  EMPTY,
  type Group,
  hasContainer,
  hwptDevices,
  hwptIoas,
  IOAS,
  isHwpt,
  slot,
  vfioIoas,
} from '../../../bench/models/compat-core-state.ts';
import type { ExplorableModel } from '../../../src/checker/explore/ExplorableModel.ts';

type RefObject =
  | { readonly kind: 'IOAS' }
  | { readonly kind: 'DEVICE'; readonly group: Group }
  | { readonly kind: 'HWPT'; readonly ioas: number; readonly devices: number };

interface RefDevice {
  readonly open: boolean;
  readonly devObj: number | null;
  readonly hwpt: number | null;
}

export interface RefState {
  readonly objects: ReadonlyMap<number, RefObject>;
  readonly vfioIoas: number | null;
  readonly hasContainer: readonly [boolean, boolean];
  readonly devices: readonly [RefDevice, RefDevice];
}

const CLOSED: RefDevice = { open: false, devObj: null, hwpt: null };
export const REF_INITIAL: RefState = {
  objects: new Map(),
  vfioIoas: null,
  hasContainer: [false, false],
  devices: [CLOSED, CLOSED],
};

/** One ioctl on a copy; every failure returns the input unchanged. */
export function refStep(s: RefState, a: CoreAction, limit: number): RefState {
  const objects = new Map(s.objects);
  const alloc = (o: RefObject): number | null => {
    if (objects.size >= limit) return null; // ENOSPC
    let id = 1;
    while (objects.has(id)) id++;
    objects.set(id, o);
    return id;
  };
  const hasContainerOf = (g: Group) => s.hasContainer[g];
  const withGroup = <T>(pair: readonly [T, T], g: Group, v: T): [T, T] => (g === 0 ? [v, pair[1]] : [pair[0], v]);
  switch (a.kind) {
    case 'IOAS_ALLOC':
      return alloc({ kind: 'IOAS' }) === null ? s : { ...s, objects };
    case 'DESTROY': {
      const o = objects.get(a.id);
      if (o === undefined || o.kind === 'DEVICE') return s; // ENOENT, EBUSY
      if (o.kind === 'IOAS' && [...objects.values()].some((p) => p.kind === 'HWPT' && p.ioas === a.id)) return s;
      if (o.kind === 'HWPT' && o.devices > 0) return s; // EBUSY
      objects.delete(a.id);
      return { ...s, objects, vfioIoas: s.vfioIoas === a.id ? null : s.vfioIoas };
    }
    case 'VFIO_IOAS_GET':
      return s;
    case 'VFIO_IOAS_SET':
      return objects.get(a.id)?.kind === 'IOAS' ? { ...s, vfioIoas: a.id } : s;
    case 'VFIO_IOAS_CLEAR':
      return { ...s, vfioIoas: null };
    case 'SET_CONTAINER': {
      if (hasContainerOf(a.group)) return s; // EINVAL
      let vfio = s.vfioIoas;
      if (vfio === null) {
        vfio = alloc({ kind: 'IOAS' });
        if (vfio === null) return s;
      }
      return { ...s, objects, vfioIoas: vfio, hasContainer: withGroup(s.hasContainer, a.group, true) };
    }
    case 'UNSET_CONTAINER':
      return hasContainerOf(a.group) ? { ...s, hasContainer: withGroup(s.hasContainer, a.group, false) } : s;
    case 'GET_DEVICE_FD': {
      if (!hasContainerOf(a.group) || s.devices[a.group].open) return s; // EINVAL, EBUSY
      const dev = alloc({ kind: 'DEVICE', group: a.group });
      if (dev === null || s.vfioIoas === null) return s; // ENOSPC, ENODEV (the DEVICE is freed)
      const ioas = s.vfioIoas;
      let hwpt = [...objects.keys()]
        .sort((x, y) => x - y)
        .find((id) => {
          const o = objects.get(id);
          return o?.kind === 'HWPT' && o.ioas === ioas;
        });
      if (hwpt === undefined) {
        hwpt = alloc({ kind: 'HWPT', ioas, devices: 0 }) ?? undefined;
        if (hwpt === undefined) return s; // ENOSPC (the DEVICE is freed)
      }
      const h = objects.get(hwpt) as { kind: 'HWPT'; ioas: number; devices: number };
      objects.set(hwpt, { ...h, devices: h.devices + 1 });
      const device = { open: true, devObj: dev, hwpt };
      return { ...s, objects, devices: withGroup(s.devices, a.group, device) };
    }
    case 'CLOSE_DEVICE': {
      const d = s.devices[a.group];
      if (!d.open || d.hwpt === null || d.devObj === null) return s; // EINVAL
      const h = objects.get(d.hwpt) as { kind: 'HWPT'; ioas: number; devices: number };
      if (h.devices === 1) objects.delete(d.hwpt);
      else objects.set(d.hwpt, { ...h, devices: h.devices - 1 });
      objects.delete(d.devObj);
      return { ...s, objects, devices: withGroup(s.devices, a.group, CLOSED) };
    }
  }
}

/** Both models seen the same way: what differential tests compare. */
export interface CoreView {
  readonly objects: readonly string[];
  readonly vfioIoas: number | null;
  readonly hasContainer: readonly boolean[];
  readonly devices: readonly string[];
}

const objectText = (id: number, o: RefObject): string =>
  o.kind === 'HWPT'
    ? `${id}:HWPT(ioas ${o.ioas}, ${o.devices} devices)`
    : `${id}:${o.kind}${'group' in o ? o.group : ''}`;
const deviceText = (d: RefDevice): string => (d.open ? `open dev ${d.devObj} hwpt ${d.hwpt}` : 'closed');

export function refView(s: RefState): CoreView {
  return {
    objects: [...s.objects].sort(([x], [y]) => x - y).map(([id, o]) => objectText(id, o)),
    vfioIoas: s.vfioIoas,
    hasContainer: [...s.hasContainer],
    devices: s.devices.map(deviceText),
  };
}

export function coreView(s: CoreState, limit: number): CoreView {
  const objects: string[] = [];
  for (let id = 1; id <= limit; id++) {
    const c = slot(s, id);
    if (c === EMPTY) continue;
    const o: RefObject =
      c === IOAS
        ? { kind: 'IOAS' }
        : isHwpt(c)
          ? { kind: 'HWPT', ioas: hwptIoas(c), devices: hwptDevices(c) }
          : { kind: 'DEVICE', group: (c - DEVICE) as Group };
    objects.push(objectText(id, o));
  }
  const groups: readonly Group[] = [0, 1];
  return {
    objects,
    vfioIoas: vfioIoas(s) === 0 ? null : vfioIoas(s),
    hasContainer: groups.map((g) => hasContainer(s, g)),
    devices: groups.map((g) =>
      deviceText(devObj(s, g) === 0 ? CLOSED : { open: true, devObj: devObj(s, g), hwpt: devHwpt(s, g) }),
    ),
  };
}

/** The reference as an explorable model, encoded field by field (3 words per object id). */
export function referenceModel(limit: number): ExplorableModel<RefState, CoreAction> {
  const actions = coreActions(limit);
  return {
    maxEncodedLength: 9 + 3 * limit,
    initial: () => REF_INITIAL,
    actions: () => actions,
    step: (s, a) => refStep(s, a, limit),
    encode(s, out) {
      out[0] = s.vfioIoas ?? 0;
      out[1] = s.hasContainer[0] ? 1 : 0;
      out[2] = s.hasContainer[1] ? 1 : 0;
      s.devices.forEach((d, g) => {
        out[3 + 3 * g] = d.open ? 1 : 0;
        out[4 + 3 * g] = d.devObj ?? 0;
        out[5 + 3 * g] = d.hwpt ?? 0;
      });
      for (let id = 1; id <= limit; id++) {
        const o = s.objects.get(id);
        const at = 9 + 3 * (id - 1);
        out[at] = o === undefined ? 0 : o.kind === 'IOAS' ? 1 : o.kind === 'DEVICE' ? 2 : 3;
        out[at + 1] = o?.kind === 'DEVICE' ? o.group : o?.kind === 'HWPT' ? o.ioas : 0;
        out[at + 2] = o?.kind === 'HWPT' ? o.devices : 0;
      }
      return 9 + 3 * limit;
    },
  };
}
