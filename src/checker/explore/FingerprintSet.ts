// Visited states as 64-bit fingerprints in an open-addressing (linear probing) table on one Int32Array: no
// string keys, no per-state objects, 8 bytes a slot.
import { hashA, hashB } from './hashWords.ts';
import type { StateStore } from './StateStore.ts';

/** Grow when the table would pass 3/4 full: probe chains stay short, and slots cost at most ~21 bytes a state. */
const MAX_LOAD = 0.75;

export class FingerprintSet implements StateStore {
  /** Interleaved [a, b] fingerprint halves per slot; (0, 0) marks an empty slot. */
  private table: Int32Array;
  private mask: number;
  private limit: number;
  size = 0;

  constructor(initialSlots = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(initialSlots, 16)));
    this.table = new Int32Array(2 * slots);
    this.mask = slots - 1;
    this.limit = Math.floor(slots * MAX_LOAD);
  }

  add(words: Int32Array, len: number): boolean {
    const a = hashA(words, len);
    let b = hashB(words, len);
    // (0, 0) is the empty marker; folding it onto (0, 1) costs one fingerprint value out of 2^64.
    if ((a | b) === 0) b = 1;
    const t = this.table;
    const mask = this.mask;
    let i = b & mask;
    for (;;) {
      const j = i << 1;
      const x = t[j] as number;
      const y = t[j + 1] as number;
      if (x === a && y === b) return false;
      if ((x | y) === 0) break;
      i = (i + 1) & mask;
    }
    t[i << 1] = a;
    t[(i << 1) + 1] = b;
    if (++this.size > this.limit) this.grow();
    return true;
  }

  bytes(): number {
    return this.table.byteLength;
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const t = new Int32Array(2 * slots);
    const mask = slots - 1;
    for (let j = 0; j < old.length; j += 2) {
      const a = old[j] as number;
      const b = old[j + 1] as number;
      if ((a | b) === 0) continue;
      let i = b & mask;
      while (((t[i << 1] as number) | (t[(i << 1) + 1] as number)) !== 0) i = (i + 1) & mask;
      t[i << 1] = a;
      t[(i << 1) + 1] = b;
    }
    this.table = t;
    this.mask = mask;
    this.limit = Math.floor(slots * MAX_LOAD);
  }
}
