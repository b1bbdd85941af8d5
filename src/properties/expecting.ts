// Expected verdicts that depend on design variants and bug flags: a variant listed here makes the property's
// expected verdict "violated" with that reason, whatever the kernel version says.
import type { Semantics, Variant } from '../model/semantics.ts';
import type { Expectation } from './Property.ts';

export type VariantExpectations = Partial<Record<Variant, Extract<Expectation, { verdict: 'violated' }>>>;

export function expecting(
  base: (sem: Semantics) => Expectation,
  variants: VariantExpectations,
): (sem: Semantics) => Expectation {
  return (sem) => {
    const hits = sem.variants.flatMap((v) => {
      const e = variants[v];
      return e === undefined ? [] : [e];
    });
    if (hits.length === 0) return base(sem);
    const b = base(sem);
    const all = b.verdict === 'violated' ? [...hits, b] : hits;
    return {
      verdict: 'violated',
      reason: all.map((e) => e.reason).join('; and '),
      citation: all.map((e) => e.citation).join('; '),
    };
  };
}

/** The expectation every property shares for a bug flag: the injected defect is what the search should find. */
export const injected = (what: string, citation: string): Extract<Expectation, { verdict: 'violated' }> => ({
  verdict: 'violated',
  reason: `injected review-caught defect: ${what}`,
  citation,
});
