// One thread step's working context: the atomic model's Tx for the World, plus mutable copies of the
// threaded state. Like a Tx it never outlives the step that created it.
import type { ModelEvent } from '../events.ts';
import type { CtxId, ObjectId } from '../ids.ts';
import { objectId } from '../ids.ts';
import { addUsers, ctxOf, getObj, type NewObject, putObj } from '../kernel/objects.ts';
import { emit, lowestFree, newTx, type Tx } from '../kernel/tx.ts';
import type { Semantics } from '../semantics.ts';
import type { IommufdObject } from '../state.ts';
import type { Topology } from '../topology.ts';
import type { LockName, ShortTermRef, ThreadEvent, ThreadedWorld, ThreadState, Unfinalized } from './ThreadedWorld.ts';
import { type ThreadSemantics, threadSemantics } from './threadSemantics.ts';

export interface Work {
  readonly tx: Tx;
  readonly tsem: ThreadSemantics;
  threads: (ThreadState | undefined)[];
  locks: Partial<Record<LockName, number>>;
  shortTerm: ShortTermRef[];
  unfinalized: Unfinalized[];
  readonly threadEvents: ThreadEvent[];
}

export const newWork = (tw: ThreadedWorld, sem: Semantics, topo: Topology): Work => ({
  tx: newTx(tw.world, sem, topo),
  tsem: threadSemantics(sem),
  threads: tw.threads.slice(),
  locks: { ...tw.locks },
  shortTerm: tw.shortTerm.slice(),
  unfinalized: tw.unfinalized.slice(),
  threadEvents: [],
});

/** Drops trailing idle lanes so that equal histories give equal threaded worlds. */
function trimLanes(threads: readonly (ThreadState | undefined)[]): readonly (ThreadState | undefined)[] {
  let n = threads.length;
  while (n > 0 && threads[n - 1] === undefined) n--;
  return threads.slice(0, n);
}

export const doneWork = (w: Work): ThreadedWorld => ({
  world: w.tx.world,
  threads: trimLanes(w.threads),
  locks: w.locks,
  shortTerm: w.shortTerm,
  unfinalized: w.unfinalized,
});

export const events = (w: Work): readonly ModelEvent[] => w.tx.events;

export const isUnfinalized = (w: Work, c: CtxId, id: number): boolean =>
  w.unfinalized.some((u) => u.ctx === c && u.id === id);

/** iommufd_get_object() semantics on top of the World: a reserved (unfinalized) id is not found. */
export function lookup(w: Work, c: CtxId, id: number): IommufdObject | undefined {
  if (isUnfinalized(w, c, id)) return undefined;
  return getObj(ctxOf(w.tx, c), id);
}

/** v6.2-v6.4: a destroy sleeping in down_write(destroy_rwsem) makes every new down_read_trylock() fail. */
export const writerPending = (w: Work, c: CtxId, serial: number): boolean =>
  w.threads.some((t) => t?.prog === 'destroy' && t.pc === 'wait' && t.ctx === c && t.serial === serial);

/** Short-term holders of an object other than `lane` (rwsem readers, shortterm_users). */
export const readers = (w: Work, c: CtxId, serial: number, lane: number): number =>
  w.shortTerm.filter((r) => r.ctx === c && r.serial === serial && r.lane !== lane).length;

/** iommufd_get_object()'s reference: users + 1 and a short-term holder. */
export function takeShortTerm(w: Work, lane: number, c: CtxId, id: ObjectId): void {
  const o = getObj(ctxOf(w.tx, c), id);
  if (o === undefined) throw new Error(`model bug: short-term ref on missing object ${id}`);
  addUsers(w.tx, c, id, 1);
  w.shortTerm.push({ lane, ctx: c, id, serial: o.serial, counted: true });
}

function shortTermOf(w: Work, lane: number): ShortTermRef {
  const r = w.shortTerm.find((x) => x.lane === lane);
  // A thread only puts the reference it took; each thread holds at most one.
  if (r === undefined) throw new Error(`model bug: thread ${lane} holds no short-term reference`);
  return r;
}

/** The refcount_dec(users) half of iommufd_put_object(); the object must still be there (we held it). */
export function decShortTerm(w: Work, lane: number): ShortTermRef {
  const r = shortTermOf(w, lane);
  if (getObj(ctxOf(w.tx, r.ctx), r.id)?.serial !== r.serial)
    throw new Error(`model bug: object ${r.id} freed while counted by thread ${lane}`);
  addUsers(w.tx, r.ctx, r.id, -1);
  w.shortTerm = w.shortTerm.map((x) => (x === r ? { ...x, counted: false } : x));
  return { ...r, counted: false };
}

/** The end of the short-term hold (up_read / shortterm_users drop): reports a use after free. */
export function endShortTerm(w: Work, lane: number, where: string): void {
  const r = shortTermOf(w, lane);
  w.shortTerm = w.shortTerm.filter((x) => x !== r);
  if (getObj(ctxOf(w.tx, r.ctx), r.id)?.serial !== r.serial) {
    w.threadEvents.push({ kind: 'use_after_free', lane, ctx: r.ctx, id: r.id, serial: r.serial, where });
  }
}

/** _iommufd_object_alloc(): reserves the lowest free id (XA_ZERO_ENTRY) and allocates; not yet visible. */
export function reserveObject(w: Work, lane: number, c: CtxId, o: NewObject): ObjectId {
  const id = objectId(lowestFree(ctxOf(w.tx, c).objects, 1));
  const serial = w.tx.world.nextSerial;
  w.tx.world = { ...w.tx.world, nextSerial: serial + 1 };
  putObj(w.tx, c, id, { ...o, users: 1, serial } as IommufdObject);
  w.unfinalized.push({ lane, ctx: c, id, serial });
  return id;
}

function unfinalizedOf(w: Work, c: CtxId, id: ObjectId): Unfinalized {
  const u = w.unfinalized.find((x) => x.ctx === c && x.id === id);
  if (u === undefined) throw new Error(`model bug: object ${id} is not awaiting finalize`);
  return u;
}

/** iommufd_object_finalize(): publishes the object; this is when the atomic model says it was created. */
export function finalizeObject(w: Work, c: CtxId, id: ObjectId): void {
  const u = unfinalizedOf(w, c, id);
  w.unfinalized = w.unfinalized.filter((x) => x !== u);
  const o = getObj(ctxOf(w.tx, c), id);
  if (o === undefined) throw new Error(`model bug: reserved object ${id} vanished`);
  emit(w.tx, { kind: 'object_created', ctx: c, id, type: o.type, serial: u.serial });
}

/**
 * iommufd_object_abort(): frees the id. The serial is a model artefact (a generation number); when nothing was
 * allocated since, it is handed back, so that an allocate-then-abort run sequentially leaves the same world as
 * the atomic model (where the abort is invisible).
 */
export function abortObject(w: Work, c: CtxId, id: ObjectId): void {
  const u = unfinalizedOf(w, c, id);
  w.unfinalized = w.unfinalized.filter((x) => x !== u);
  putObj(w.tx, c, id, undefined);
  if (w.tx.world.nextSerial === u.serial + 1) w.tx.world = { ...w.tx.world, nextSerial: u.serial };
}

export function releaseLocks(w: Work, lane: number): void {
  const next: Partial<Record<LockName, number>> = {};
  for (const [k, v] of Object.entries(w.locks) as [LockName, number][]) if (v !== lane) next[k] = v;
  w.locks = next;
}

export const lockFree = (w: Work, l: LockName): boolean => w.locks[l] === undefined;
