// How each kernel version's object references behave under concurrency: derived from the profile's version,
// plus the race-bug flags semantics.ts lists (BUG_FLAGS), which inject a bug into the other profiles.
import type { Semantics } from '../semantics.ts';

export interface ThreadSemantics {
  /**
   * v6.2-v6.4.7 iommufd_destroy(): get_object, iommufd_ref_to_users() (keeps a users count), then
   * down_write(destroy_rwsem) waits for in-flight holders; the users check comes after the wait. A kernel
   * destroy that runs inside that window sees users != 1 and fails (CVE-2023-53795, fixed by 99f98a7c0d69 in
   * v6.4.8/v6.5: one xa_lock critical section, EBUSY instead of waiting).
   */
  readonly destroyWaits: boolean;
  /**
   * v6.5-v6.6 iommufd_put_object(): refcount_dec(users) then up_read(destroy_rwsem) on the object; after
   * 99f98a7c0d69 no destroy takes the rwsem, so a DESTROY between the two frees the object under the reader
   * (syzbot d31adfb277377ef8fcba, fixed by 6f9c4d8c468c in v6.7-rc4 with shortterm_users and a wait).
   */
  readonly putTouchesAfterDec: boolean;
  /**
   * v6.2-v6.5 iommufd_device_auto_get_domain(): the new auto HWPT is added to ioas->hwpt_list and ioas->mutex
   * dropped before iommufd_object_finalize(), so a concurrent auto attach to the same IOAS can find and use an
   * object that is not finalized (B4; fixed by 31422dff187b in v6.6-rc1).
   */
  readonly autoDomainEarlyUnlock: boolean;
}

/**
 * Bug flags for the threaded model (also in semantics.ts BUG_FLAGS, so `--semantics latest+bug-...` parses).
 * B4 and B5 are the behaviour of v6.2/v6.3 already and B6 that of v6.6; the flags inject them into the other
 * profiles.
 */
export const THREAD_BUG_FLAGS = [
  'bug-destroy-takes-ref',
  'bug-put-object-uaf',
  'bug-auto-domain-early-unlock',
] as const;
const hasFlag = (sem: Semantics, flag: (typeof THREAD_BUG_FLAGS)[number]): boolean =>
  (sem.variants as readonly string[]).includes(flag);

function byVersion(sem: Semantics): ThreadSemantics {
  switch (sem.version) {
    case 'v6.2':
    case 'v6.3':
      return { destroyWaits: true, putTouchesAfterDec: false, autoDomainEarlyUnlock: true };
    case 'v6.6':
      return { destroyWaits: false, putTouchesAfterDec: true, autoDomainEarlyUnlock: false };
    case 'v6.12':
    case 'latest':
      return { destroyWaits: false, putTouchesAfterDec: false, autoDomainEarlyUnlock: false };
    default: {
      const never: never = sem.version;
      return never;
    }
  }
}

export function threadSemantics(sem: Semantics): ThreadSemantics {
  const v = byVersion(sem);
  return {
    // +bug-destroy-takes-ref (B5, CVE-2023-53795): IOMMU_DESTROY as v6.2-v6.4.7 ran it.
    destroyWaits: v.destroyWaits || hasFlag(sem, 'bug-destroy-takes-ref'),
    // +bug-put-object-uaf (B6): the v6.5/v6.6 put; harmless next to a destroy that waits on destroy_rwsem.
    putTouchesAfterDec: v.putTouchesAfterDec || hasFlag(sem, 'bug-put-object-uaf'),
    // +bug-auto-domain-early-unlock (B4, 31422dff187b): the v6.2-v6.5 auto domain allocation.
    autoDomainEarlyUnlock: v.autoDomainEarlyUnlock || hasFlag(sem, 'bug-auto-domain-early-unlock'),
  };
}
