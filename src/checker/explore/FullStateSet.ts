// Visited states as whole encodings (exact, no fingerprint collisions possible): the reference the fingerprint
// path is checked against. Encodings live back to back in one growable Int32Array.
import { hashA } from './hashWords.ts';
import type { StateStore } from './StateStore.ts';

const MAX_LOAD = 0.5;

export class FullStateSet implements StateStore {
  /** All encodings, back to back; entry e is words[ends[e - 1] .. ends[e]). */
  private words: Int32Array = new Int32Array(4096);
  private ends: Int32Array = new Int32Array(1024);
  private hashes: Int32Array = new Int32Array(1024);
  /** Slot -> entry index + 1; 0 marks an empty slot. */
  private table = new Int32Array(2048);
  size = 0;

  add(words: Int32Array, len: number): boolean {
    const h = hashA(words, len);
    const mask = this.table.length - 1;
    let i = h & mask;
    for (let e = this.table[i] as number; e !== 0; e = this.table[i] as number) {
      if (this.hashes[e - 1] === h && this.equals(e - 1, words, len)) return false;
      i = (i + 1) & mask;
    }
    const start = this.size === 0 ? 0 : (this.ends[this.size - 1] as number);
    if (start + len > this.words.length) this.words = grown(this.words, start + len);
    if (this.size === this.ends.length) {
      this.ends = grown(this.ends, this.size + 1);
      this.hashes = grown(this.hashes, this.size + 1);
    }
    this.words.set(words.subarray(0, len), start);
    this.ends[this.size] = start + len;
    this.hashes[this.size] = h;
    this.table[i] = ++this.size;
    if (this.size > this.table.length * MAX_LOAD) this.rehash();
    return true;
  }

  bytes(): number {
    return this.words.byteLength + this.ends.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  private equals(e: number, words: Int32Array, len: number): boolean {
    const start = e === 0 ? 0 : (this.ends[e - 1] as number);
    if ((this.ends[e] as number) - start !== len) return false;
    for (let k = 0; k < len; k++) if (this.words[start + k] !== words[k]) return false;
    return true;
  }

  private rehash(): void {
    const t = new Int32Array(this.table.length * 2);
    const mask = t.length - 1;
    for (let e = 0; e < this.size; e++) {
      let i = (this.hashes[e] as number) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = e + 1;
    }
    this.table = t;
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(atLeast, Math.ceil(a.length * 1.5)));
  b.set(a);
  return b;
}
