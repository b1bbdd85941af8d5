// compat-core: a small, fast model of one iommufd context's compat IOAS (IOAS/DEVICE/auto-HWPT objects,
// vfio_ioas, two single-device groups) for benchmarking the generic explorer. Its reachable state counts are
// pinned: 41,104 states with 6 objects, 252,624 with 7, 1,488,896 with 8.
import type { ExplorableModel } from '../../src/checker/explore/ExplorableModel.ts';
import {
  CoreState,
  DEVICE,
  devHwpt,
  devObj,
  EMPTY,
  EMPTY_STATE,
  type Group,
  hasContainer,
  hwptCode,
  hwptDevices,
  hwptIoas,
  IOAS,
  isHwpt,
  lowestFree,
  MAX_OBJECTS,
  setContainer,
  setDevice,
  setVfioIoas,
  slot,
  vfioIoas,
  withSlot,
} from './compat-core-state.ts';

export type CoreAction =
  | { readonly kind: 'IOAS_ALLOC' }
  | { readonly kind: 'DESTROY'; readonly id: number }
  | { readonly kind: 'VFIO_IOAS_GET' }
  | { readonly kind: 'VFIO_IOAS_SET'; readonly id: number }
  | { readonly kind: 'VFIO_IOAS_CLEAR' }
  | { readonly kind: 'SET_CONTAINER'; readonly group: Group }
  | { readonly kind: 'UNSET_CONTAINER'; readonly group: Group }
  | { readonly kind: 'GET_DEVICE_FD'; readonly group: Group }
  | { readonly kind: 'CLOSE_DEVICE'; readonly group: Group };

/** Every action, enabled in every state (errnos are self-loops): 2 * objects + 11 of them; ids range over 1..objects. */
export function coreActions(objects: number): readonly CoreAction[] {
  const ids = Array.from({ length: objects }, (_, i) => i + 1);
  const groups: readonly Group[] = [0, 1];
  return Object.freeze([
    { kind: 'IOAS_ALLOC' },
    ...ids.map((id) => ({ kind: 'DESTROY', id }) as const),
    { kind: 'VFIO_IOAS_GET' },
    ...ids.map((id) => ({ kind: 'VFIO_IOAS_SET', id }) as const),
    { kind: 'VFIO_IOAS_CLEAR' },
    ...(['SET_CONTAINER', 'UNSET_CONTAINER', 'GET_DEVICE_FD', 'CLOSE_DEVICE'] as const).flatMap((kind) =>
      groups.map((group) => ({ kind, group })),
    ),
  ]);
}

export function coreLabel(a: CoreAction): string {
  if ('id' in a) return `${a.kind}(${a.id})`;
  if ('group' in a) return `${a.kind}(g${a.group})`;
  return a.kind;
}

/** The model with at most `objects` objects alive at once (1..MAX_OBJECTS). */
export function compatCore(objects: number): ExplorableModel<CoreState, CoreAction> {
  if (!Number.isInteger(objects) || objects < 1 || objects > MAX_OBJECTS)
    throw new RangeError(`compat-core: objects must be an integer in 1..${MAX_OBJECTS}, got ${objects}`);
  const actions = coreActions(objects);
  return {
    maxEncodedLength: 3,
    initial: () => EMPTY_STATE,
    actions: () => actions,
    step: (s, a) => coreStep(s, a, objects),
    encode: (s, out) => {
      out[0] = s.head;
      out[1] = s.lo;
      out[2] = s.hi;
      return 3;
    },
  };
}

/** One ioctl; returns `s` itself for every errno (nothing changes on failure) and for no-op successes. */
export function coreStep(s: CoreState, a: CoreAction, n: number): CoreState {
  switch (a.kind) {
    case 'IOAS_ALLOC': {
      const id = lowestFree(s, n);
      return id === 0 ? s /* ENOSPC */ : withSlot(s, id, IOAS);
    }
    case 'DESTROY':
      return destroy(s, a.id, n);
    case 'VFIO_IOAS_GET':
      return s; // ENODEV or the id: a read
    case 'VFIO_IOAS_SET':
      if (slot(s, a.id) !== IOAS || vfioIoas(s) === a.id) return s; // ENOENT, or already set
      return new CoreState(setVfioIoas(s.head, a.id), s.lo, s.hi);
    case 'VFIO_IOAS_CLEAR':
      return vfioIoas(s) === 0 ? s : new CoreState(setVfioIoas(s.head, 0), s.lo, s.hi);
    case 'SET_CONTAINER':
      return setContainerOp(s, a.group, n);
    case 'UNSET_CONTAINER':
      // Devices stay open: the container goes, their DEVICE and HWPT objects do not.
      return hasContainer(s, a.group) ? new CoreState(setContainer(s.head, a.group, false), s.lo, s.hi) : s;
    case 'GET_DEVICE_FD':
      return getDeviceFd(s, a.group, n);
    case 'CLOSE_DEVICE':
      return closeDevice(s, a.group);
    default:
      return unreachable(a);
  }
}

/** EBUSY for a DEVICE, a referenced IOAS or a HWPT (a stored HWPT always has a device); clears vfio_ioas. */
function destroy(s: CoreState, id: number, n: number): CoreState {
  if (slot(s, id) !== IOAS) return s; // ENOENT, or EBUSY for a DEVICE or HWPT
  for (let h = 1; h <= n; h++) {
    const c = slot(s, h);
    if (isHwpt(c) && hwptIoas(c) === id) return s; // EBUSY
  }
  const t = withSlot(s, id, EMPTY);
  return vfioIoas(s) === id ? new CoreState(setVfioIoas(t.head, 0), t.lo, t.hi) : t;
}

/** EINVAL with a container; otherwise auto-creates the compat IOAS when vfio_ioas is null (ENOSPC: no change). */
function setContainerOp(s: CoreState, g: Group, n: number): CoreState {
  if (hasContainer(s, g)) return s;
  let t = s;
  if (vfioIoas(s) === 0) {
    const id = lowestFree(s, n);
    if (id === 0) return s;
    t = withSlot(s, id, IOAS);
    t = new CoreState(setVfioIoas(t.head, id), t.lo, t.hi);
  }
  return new CoreState(setContainer(t.head, g, true), t.lo, t.hi);
}

/**
 * Binds the group's device: a DEVICE object, then the lowest-id HWPT on vfio_ioas or a new one. Any failure
 * (EINVAL, EBUSY, ENOSPC, ENODEV) frees what it allocated, so it changes nothing.
 */
function getDeviceFd(s: CoreState, g: Group, n: number): CoreState {
  if (!hasContainer(s, g) || devObj(s, g) !== 0) return s;
  const dev = lowestFree(s, n);
  const ioas = vfioIoas(s);
  if (dev === 0 || ioas === 0) return s;
  let t = withSlot(s, dev, DEVICE + g);
  let hwpt = 0;
  for (let id = 1; id <= n && hwpt === 0; id++) {
    const c = slot(t, id);
    if (isHwpt(c) && hwptIoas(c) === ioas) hwpt = id;
  }
  if (hwpt !== 0) t = withSlot(t, hwpt, hwptCode(ioas, hwptDevices(slot(t, hwpt)) + 1));
  else {
    hwpt = lowestFree(t, n);
    if (hwpt === 0) return s;
    t = withSlot(t, hwpt, hwptCode(ioas, 1));
  }
  return new CoreState(setDevice(t.head, g, dev, hwpt), t.lo, t.hi);
}

/** EINVAL when closed; otherwise drops the device from its HWPT (freeing it at zero) and frees the DEVICE. */
function closeDevice(s: CoreState, g: Group): CoreState {
  const dev = devObj(s, g);
  if (dev === 0) return s;
  const hwpt = devHwpt(s, g);
  const c = slot(s, hwpt);
  let t = withSlot(s, hwpt, hwptDevices(c) === 1 ? EMPTY : hwptCode(hwptIoas(c), hwptDevices(c) - 1));
  t = withSlot(t, dev, EMPTY);
  return new CoreState(setDevice(t.head, g, 0, 0), t.lo, t.hi);
}

function unreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
