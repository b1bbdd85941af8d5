// How likely it is that fingerprinting merged two distinct states, so a "verified" result is read with its odds.

/**
 * The birthday estimate TLC prints for 64-bit fingerprints: with `n` states whose fingerprints are uniform and
 * independent, the expected number of colliding pairs is C(n, 2) / 2^64 = n(n - 1) / 2^65, which bounds the
 * probability that any two collided (and so that a state, and everything only reachable through it, was missed).
 */
export function collisionProbability(n: number): number {
  return (n * (n - 1)) / 2 ** 65;
}
