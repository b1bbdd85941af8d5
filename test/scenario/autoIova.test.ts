// The bounds TEST_F(iommufd_ioas, area_auto_iova) asserts on allocated IOVAs, which a scenario file cannot state:
// each IOVA is aligned to the lowest set bit of its length, avoids the reserved range and stays in the allowed one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parseScenario.ts';
import { runScenario } from '../../src/scenario/runScenario.ts';

const P = 4096;
const AS = 2 ** 24;
const dir = join(import.meta.dirname, '..', '..', 'scenarios', 'kernel-selftests');

function maps(variant: string, profile: string): { iova: number; length: number }[] {
  const parsed = parseScenario(readFileSync(join(dir, `iommufd_ioas.area_auto_iova.${variant}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const run = runScenario(parsed.value, profile);
  expect(run.match).toBe(true);
  return run.steps.flatMap((s) => {
    if (s.op !== 'IOMMU_IOAS_MAP') return [];
    const st = parsed.value.steps[s.index];
    const len = st?.args['length'];
    const m = /iova: (\d+)/.exec(s.got);
    return m !== null && len?.kind === 'num' ? [{ iova: Number(m[1]), length: len.value }] : [];
  });
}

describe('area_auto_iova bounds', () => {
  it.each([
    ['no_domain', 200 * P, 600 * P],
    ['mock_domain', AS + P, AS + 600 * P],
  ])('%s: aligned, outside the reserved range, inside the allowed range', (variant, lo, hi) => {
    for (const profile of ['v6.2', 'latest']) {
      const m = maps(variant, profile);
      expect(m).toHaveLength(40);
      for (const { iova, length } of m) expect(iova % (length & -length)).toBe(0);
      for (const { iova } of m.slice(20, 30)) expect(iova > 4 * P && iova < 104 * P).toBe(false);
      for (const { iova, length } of m.slice(30)) {
        expect(iova).toBeGreaterThanOrEqual(lo);
        expect(iova + length).toBeLessThanOrEqual(hi);
      }
    }
  });
});
