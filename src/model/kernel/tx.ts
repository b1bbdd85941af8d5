// A step's working context. The world inside is immutable; `tx.world` is rebound to each new world and
// `tx.events` collects the step's effects. A Tx never outlives the step that created it.
import type { ModelEvent } from '../events.ts';
import type { Semantics } from '../semantics.ts';
import type { World } from '../state.ts';
import type { Topology } from '../topology.ts';

export interface Tx {
  world: World;
  readonly events: ModelEvent[];
  readonly sem: Semantics;
  readonly topo: Topology;
}

export const newTx = (world: World, sem: Semantics, topo: Topology): Tx => ({ world, events: [], sem, topo });

export const emit = (tx: Tx, e: ModelEvent): void => {
  tx.events.push(e);
};

/** Copy-on-write replacement of one array slot. */
export function replaceAt<T>(arr: readonly T[], i: number, v: T): readonly T[] {
  const copy = arr.slice();
  copy[i] = v;
  return copy;
}

/** Lowest index >= from whose slot is empty (undefined or past the end). */
export function lowestFree<T>(arr: readonly (T | undefined)[], from: number): number {
  let i = from;
  while (i < arr.length && arr[i] !== undefined) i++;
  return i;
}

/** Drops trailing empty slots so that equal worlds have equal shapes. */
export function trimTrailing<T>(arr: readonly (T | undefined)[]): readonly (T | undefined)[] {
  let n = arr.length;
  while (n > 0 && arr[n - 1] === undefined) n--;
  return n === arr.length ? arr : arr.slice(0, n);
}
