// The compat-core benchmark model's state, packed into three 32-bit words so that a step allocates one small
// object and encoding it is three stores. Read and written only through the helpers below.

/** Ids are 4-bit fields and the object table fills two 30-bit words of 5-bit slots. */
export const MAX_OBJECTS = 12;

/** Slot codes: an object table entry. A HWPT is 4 + 2 * (ioas - 1) + (devices - 1), so it needs no side table. */
export const EMPTY = 0;
export const IOAS = 1;
/** DEVICE of group g is DEVICE + g. */
export const DEVICE = 2;
const HWPT = 4;

export type Group = 0 | 1;

/**
 * `head`: vfio_ioas (bits 0-3, 0 = null), hasContainer of g0/g1 (bits 4, 5), then per group g at bit 6 + 8g its
 * device's DEVICE object id (0 = closed, so "open" is "devObj != 0") and, 4 bits on, its HWPT id.
 * `lo`: slots 1..6, `hi`: slots 7..12, 5 bits each.
 */
export class CoreState {
  constructor(
    readonly head: number,
    readonly lo: number,
    readonly hi: number,
  ) {}
}

export const EMPTY_STATE = new CoreState(0, 0, 0);

export function slot(s: CoreState, id: number): number {
  return id <= 6 ? (s.lo >>> (5 * (id - 1))) & 31 : (s.hi >>> (5 * (id - 7))) & 31;
}

export function withSlot(s: CoreState, id: number, code: number): CoreState {
  if (id <= 6) {
    const shift = 5 * (id - 1);
    return new CoreState(s.head, (s.lo & ~(31 << shift)) | (code << shift), s.hi);
  }
  const shift = 5 * (id - 7);
  return new CoreState(s.head, s.lo, (s.hi & ~(31 << shift)) | (code << shift));
}

export const hwptCode = (ioas: number, devices: number): number => HWPT + 2 * (ioas - 1) + (devices - 1);
export const isHwpt = (code: number): boolean => code >= HWPT;
export const hwptIoas = (code: number): number => ((code - HWPT) >>> 1) + 1;
export const hwptDevices = (code: number): number => ((code - HWPT) & 1) + 1;

/** The lowest id in 1..n with no object, or 0 when the table is full. */
export function lowestFree(s: CoreState, n: number): number {
  for (let id = 1; id <= n; id++) if (slot(s, id) === EMPTY) return id;
  return 0;
}

// Head fields: each getter has a matching setter on the raw word, so a step can change several and build once.
const VFIO = 0;
const CONTAINER = 4;
const DEV_OBJ = 6;
const DEV_HWPT = 10;

export const vfioIoas = (s: CoreState): number => s.head & 15;
export const hasContainer = (s: CoreState, g: Group): boolean => ((s.head >>> (CONTAINER + g)) & 1) === 1;
export const devObj = (s: CoreState, g: Group): number => (s.head >>> (DEV_OBJ + 8 * g)) & 15;
export const devHwpt = (s: CoreState, g: Group): number => (s.head >>> (DEV_HWPT + 8 * g)) & 15;

const put = (head: number, shift: number, bits: number, v: number): number =>
  (head & ~(((1 << bits) - 1) << shift)) | (v << shift);
export const setVfioIoas = (head: number, id: number): number => put(head, VFIO, 4, id);
export const setContainer = (head: number, g: Group, on: boolean): number => put(head, CONTAINER + g, 1, on ? 1 : 0);
export const setDevice = (head: number, g: Group, obj: number, hwpt: number): number =>
  put(put(head, DEV_OBJ + 8 * g, 4, obj), DEV_HWPT + 8 * g, 4, hwpt);
