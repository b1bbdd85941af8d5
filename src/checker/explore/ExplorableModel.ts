// What the breadth-first explorer needs from a model: an initial state, the enabled actions, a pure step and a
// canonical integer encoding. Nothing here knows about iommufd.

/**
 * A deterministic transition system. `step` must be pure (never mutate `s`) and deterministic, because traces
 * are rebuilt by re-executing actions from `initial()` rather than by storing states.
 */
export interface ExplorableModel<S, A> {
  /** Upper bound on the words `encode` writes; the explorer sizes its one reusable buffer with it. */
  readonly maxEncodedLength: number;
  initial(): S;
  /**
   * The actions enabled in `s`, in a fixed order: a trace stores the index of its action in this list. Returning
   * the same array every time is the cheap path.
   */
  actions(s: S): Iterable<A>;
  /**
   * The successor of `s` under `a`. Return `s` itself when nothing changes (an errno, a no-op): the explorer
   * recognises that self-loop by reference and skips encoding and hashing it.
   */
  step(s: S, a: A): S;
  /**
   * Writes the canonical encoding of `s` into `out` and returns how many words it used. Equal states must give
   * equal encodings and different states different ones: it is the state's identity.
   */
  encode(s: S, out: Int32Array): number;
}

/** A named state predicate: `null` when it holds, else a message saying what is wrong. */
export interface Invariant<S> {
  readonly name: string;
  check(s: S): string | null;
}
