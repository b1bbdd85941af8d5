// Deterministic per-(property, profile) seeds derived from one base seed, so every cell of the verdict table
// is reproducible on its own with the same --seed.

/** FNV-1a over the string, mixed with the base seed; a 31-bit non-negative integer. */
export function deriveSeed(base: number, property: string, semantics: string): number {
  let h = 0x811c9dc5 ^ (base | 0);
  for (const ch of `${property}|${semantics}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 1;
}

export const DEFAULT_SEED = 42;
