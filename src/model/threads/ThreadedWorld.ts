// The world of the threaded model: the atomic model's World plus the kernel state that only exists while
// ioctls are in flight: threads (program counter and locals), the vfio mutexes they hold, short-term object
// references, objects allocated but not yet finalized, and destroys waiting on destroy_rwsem.
import type { Action, FaultPoint } from '../actions.ts';
import type { Errno } from '../errno.ts';
import type { CtxId, DeviceIdx, FileId, GroupIdx, ObjectId } from '../ids.ts';
import type { OpResult } from '../result.ts';
import { initialWorld, type World } from '../state.ts';
import type { Topology } from '../topology.ts';

/** The most threads in flight at once. Three are enough for open ‖ destroy ‖ allocate. */
export const MAX_THREADS = 3;

interface ThreadBase {
  readonly lane: number;
  readonly action: Action;
  /** The file the ioctl entered through (fdget): its release cannot run while the ioctl is in flight. */
  readonly file: FileId;
}

/** VFIO_GROUP_GET_DEVICE_FD, first open of a device with an iommufd (group_lock and dev_set->lock held). */
export interface OpenThread extends ThreadBase {
  readonly prog: 'open';
  /** compat_id: look up the compat IOAS id; compat_decide (v6.2): the new IOAS is allocated, decide under
   * xa_lock; attach_lookup: iommufd_get_object(pt_id); attach: attach under the lookup's short-term ref;
   * hwpt_finalize (B4, v6.2-v6.5): the new auto HWPT is on hwpt_list, ioas->mutex dropped, not yet finalized;
   * unbind: the attach failed and put its reference, vfio's error path unbinds next. */
  readonly pc: 'compat_id' | 'compat_decide' | 'attach_lookup' | 'attach' | 'hwpt_finalize' | 'unbind';
  readonly ctx: CtxId;
  readonly group: GroupIdx;
  readonly device: DeviceIdx;
  readonly fault: FaultPoint | null;
  /** The id the attach will use; null until the compat id is known. */
  readonly ptId: ObjectId | null;
  /** v6.2 compat_ioas_id(): the IOAS allocated before taking xa_lock. */
  readonly reserved: ObjectId | null;
  /** B4: the auto HWPT this open created and has not finalized yet. */
  readonly autoHwpt: ObjectId | null;
  /** pc unbind: the errno the failed attach returned, which the open returns after the unbind. */
  readonly attachErrno: Errno | null;
}

/** IOMMU_IOAS_ALLOC between allocation (id reserved) and finalize. */
export interface AllocThread extends ThreadBase {
  readonly prog: 'ioas_alloc';
  readonly pc: 'finalize';
  readonly ctx: CtxId;
  readonly id: ObjectId;
  readonly fault: FaultPoint | null;
}

/** v6.2-v6.4 IOMMU_DESTROY after iommufd_ref_to_users(): down_write, then (after waiting) the users check. */
export interface DestroyThread extends ThreadBase {
  readonly prog: 'destroy';
  readonly pc: 'down_write' | 'wait';
  readonly ctx: CtxId;
  readonly id: ObjectId;
  readonly serial: number;
}

/** IOMMU_VFIO_IOAS GET/SET holding a short-term reference on an IOAS. */
export interface VfioIoasThread extends ThreadBase {
  readonly prog: 'vfio_ioas';
  /** set: store vfio_ioas under xa_lock; put: iommufd_put_object(); up_read (v6.5/v6.6): its second half. */
  readonly pc: 'set' | 'put' | 'up_read';
  readonly ctx: CtxId;
  readonly id: ObjectId;
  readonly serial: number;
  /** The result userspace will get, once decided. */
  readonly result: OpResult | null;
}

export type ThreadState = OpenThread | AllocThread | DestroyThread | VfioIoasThread;

/** A short-term (in-flight) reference: iommufd_get_object() ... iommufd_put_object(). It is also counted in
 * the object's `users` while `counted` (every version increments users in get_object). */
export interface ShortTermRef {
  readonly lane: number;
  readonly ctx: CtxId;
  readonly id: ObjectId;
  readonly serial: number;
  readonly counted: boolean;
}

/** An object allocated (its id reserved in the xarray) but not finalized: lookups give ENOENT. */
export interface Unfinalized {
  readonly lane: number;
  readonly ctx: CtxId;
  readonly id: ObjectId;
  readonly serial: number;
}

/** A sleeping mutex of the vfio side, by what it protects. */
export type LockName = `group_lock:${number}` | `dev_set:${number}`;

export interface ThreadedWorld {
  readonly world: World;
  /** Indexed by lane; undefined: the lane is idle. */
  readonly threads: readonly (ThreadState | undefined)[];
  /** Held mutexes and the lane holding each. */
  readonly locks: Readonly<Partial<Record<LockName, number>>>;
  readonly shortTerm: readonly ShortTermRef[];
  readonly unfinalized: readonly Unfinalized[];
}

export const initialThreadedWorld = (topo: Topology): ThreadedWorld => ({
  world: initialWorld(topo),
  threads: [],
  locks: {},
  shortTerm: [],
  unfinalized: [],
});

/** What a thread did that the atomic model has no event for. */
export type ThreadEvent =
  /** A thread dereferenced an object whose memory was freed (KASAN slab-use-after-free). */
  | {
      readonly kind: 'use_after_free';
      readonly lane: number;
      readonly ctx: CtxId;
      readonly id: ObjectId;
      readonly serial: number;
      readonly where: string;
    }
  /** A thread attached a device to an object another thread has not finalized (B4). */
  | {
      readonly kind: 'unfinalized_ref';
      readonly lane: number;
      readonly ctx: CtxId;
      readonly id: ObjectId;
      readonly owner: number;
    }
  /** A destroy found in-flight holders and now sleeps in down_write(destroy_rwsem). */
  | { readonly kind: 'destroy_waits'; readonly lane: number; readonly ctx: CtxId; readonly id: ObjectId };

/** A scheduler command: start an ioctl on the lowest idle lane, or run the next atomic step of a thread. */
export type ThreadCommand =
  | { readonly kind: 'start'; readonly action: Action }
  | { readonly kind: 'advance'; readonly lane: number };

/** Which thread a step of a threaded run belongs to; the runner attaches it to each StepInfo as `thread`. */
export interface LaneInfo {
  readonly lane: number;
  readonly started: boolean;
  readonly finished: boolean;
  /** What the step did, e.g. "compat id 1 (reference dropped)". */
  readonly label: string;
  readonly threadEvents: readonly ThreadEvent[];
}
