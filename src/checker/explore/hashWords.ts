// Two independent 32-bit hashes of an integer encoding; together they are the state's 64-bit fingerprint.
// Plain functions over a typed array, no allocation: they run once per generated successor.

/** MurmurHash3 (x86, 32-bit) body and finaliser over `len` words, seeded. */
export function hashA(words: Int32Array, len: number): number {
  let h = 0x9747b28c;
  for (let i = 0; i < len; i++) {
    let k = Math.imul(words[i] as number, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  return fmix(h ^ len);
}

/**
 * A second hash with different multipliers (xxHash32 primes) and rotations, so its bits are not a function of
 * `hashA`'s: a fingerprint collision needs both 32-bit halves to collide.
 */
export function hashB(words: Int32Array, len: number): number {
  let h = 0x165667b1 ^ len;
  for (let i = 0; i < len; i++) {
    h = (h + Math.imul(words[i] as number, 0xc2b2ae3d)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), 0x27d4eb2f);
  }
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return h ^ (h >>> 16);
}

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
