import { advanceBlocked } from '../model/threads/threadStep.ts';
import { HOLDS, type Property } from './Property.ts';
import { threadedOf } from './threadLane.ts';

/**
 * No deadlock: never is there an ioctl in flight while every in-flight ioctl is blocked. Everything a thread can
 * wait for (a vfio mutex, destroy_rwsem or shortterm_users, an unfinalized object) is held by another in-flight
 * thread, and a close() of a file an ioctl entered through waits for it, so no new ioctl can unblock such a
 * state: every thread in it sleeps forever (a hung task).
 */
export const noDeadlock: Property = {
  code: 'no-deadlock',
  title: 'No interleaving leaves every in-flight ioctl blocked (a hung task)',
  claim: {
    quote: 'Time out waiting for iommufd object to become free',
    source:
      'syzbot+c92878e123785b1fa2db "WARNING in iommufd_device_unbind" (a kernel destroy that waits on in-flight holders); fix d9df72c6acd6; kernel-history.md B7',
  },
  kind: 'step property',
  scope: 'threaded',
  // Every kernel profile: each wait in the model is on a holder that is itself a running thread.
  expected: () => HOLDS,
  check: {
    kind: 'monitor',
    create(ctx) {
      return {
        step(s) {
          const tw = threadedOf(s);
          if (tw === undefined) return null;
          const lanes = tw.threads.flatMap((t, lane) => (t === undefined ? [] : [lane]));
          if (lanes.length === 0 || !lanes.every((l) => advanceBlocked(tw, l, ctx.sem, ctx.topo))) return null;
          const what = lanes.map((l) => `thread ${l} (${tw.threads[l]?.action.kind})`).join(', ');
          return `deadlock: every in-flight ioctl is blocked: ${what}`;
        },
        end: () => null,
      };
    },
  },
};
