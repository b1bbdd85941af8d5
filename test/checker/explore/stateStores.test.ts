// Both visited-set implementations against a Set of string keys (fine here, never in the explorer): `add` is
// true exactly for an encoding not added before, through several table growths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collisionProbability } from '../../../src/checker/explore/collisionProbability.ts';
import { FingerprintSet } from '../../../src/checker/explore/FingerprintSet.ts';
import { FullStateSet } from '../../../src/checker/explore/FullStateSet.ts';
import type { StateStore } from '../../../src/checker/explore/StateStore.ts';

const stores: readonly [string, () => StateStore][] = [
  ['FingerprintSet', () => new FingerprintSet(16)],
  ['FullStateSet', () => new FullStateSet()],
];

describe.each(stores)('%s', (_name, make) => {
  it('adds an encoding exactly once', () => {
    // Small values and lengths 0..4 so that duplicates, prefixes and the empty encoding all occur.
    const encodings = fc.array(fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 }), {
      maxLength: 3000,
      size: 'max',
    });
    fc.assert(
      fc.property(encodings, (all) => {
        const store = make();
        const seen = new Set<string>();
        // Collect disagreements instead of asserting per add, so the message names every input that failed.
        const wrong: string[] = [];
        for (const e of all) {
          const key = `${e.join(',')}#${e.length}`;
          if (store.add(Int32Array.from(e), e.length) === seen.has(key)) wrong.push(`[${e}]`);
          seen.add(key);
        }
        expect(wrong).toEqual([]);
        expect(store.size).toBe(seen.size);
      }),
      { seed: 6, numRuns: 20 },
    );
  });

  it('reads only the first len words of the buffer', () => {
    const store = make();
    expect(store.add(Int32Array.from([1, 2, 99]), 2)).toBe(true);
    expect(store.add(Int32Array.from([1, 2, 7]), 2)).toBe(false);
  });
});

describe('collisionProbability', () => {
  it('is the birthday estimate n(n - 1) / 2^65', () => {
    expect(collisionProbability(1)).toBe(0);
    expect(collisionProbability(2 ** 32 + 1)).toBeCloseTo(0.5, 6);
  });
});
