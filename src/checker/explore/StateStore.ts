// The set of visited states as the explorer sees it: either 64-bit fingerprints or whole encodings.

export interface StateStore {
  /** How many distinct encodings were added. */
  readonly size: number;
  /** Adds `words[0..len)`; true when it was not in the set yet. */
  add(words: Int32Array, len: number): boolean;
  /** Bytes of typed-array memory held, for the bytes-per-state figure. */
  bytes(): number;
}
