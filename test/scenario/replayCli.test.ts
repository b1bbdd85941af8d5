// `ioas-check replay` on scenario files: exit 0 on a match, 1 with a readable report on a mismatch, 2 with one
// line naming the field for a malformed file; --json and --semantics.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/runCli.ts';

const run = (args: string[]) => runCli(args);

const repo = join(import.meta.dirname, '..', '..');
const vfioIoas = join(repo, 'scenarios', 'kernel-selftests', 'iommufd.vfio_ioas.json');

function variant(edit: (j: { steps: Record<string, unknown>[] }) => void): string {
  const j = JSON.parse(readFileSync(vfioIoas, 'utf8'));
  edit(j);
  const file = join(mkdtempSync(join(tmpdir(), 'ioas-scenario-')), 'x.json');
  writeFileSync(file, JSON.stringify(j));
  return file;
}

describe('replay of scenario files', () => {
  it('a matching scenario exits 0 with one line per profile', () => {
    const r = run(['replay', vfioIoas]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual(
      ['v6.2', 'v6.3', 'v6.6', 'v6.12', 'latest'].map((p) => `${vfioIoas}: ${p}: match (9 steps)`),
    );
  });

  it('a wrong expectation exits 1 and prints the step, expected vs got, and the state there', () => {
    const file = variant((j) => {
      j.steps[5] = { ...j.steps[5], expect: { ret: 0, out: { ioas_id: 7 } } };
    });
    const r = run(['replay', file, '--semantics', 'v6.6']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `${file}: v6.6: MISMATCH at step 5 (IOMMU_VFIO_IOAS)\n  expected: 0 {ioas_id: 7}\n  got:      0 {ioas_id: 1}\nstate at that step:\n`,
    );
    expect(r.out).toContain('"vfio_ioas": 1');
  });

  it('a malformed scenario exits 2 with one line naming the field', () => {
    const file = variant((j) => {
      j.steps[3] = { op: 'IOMMU_IOAS_ALLOC', args: { flags: 'BOGUS' } };
    });
    const r = run(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `ioas-check: ${file}: steps[3].args.flags: unknown constant "BOGUS" (a number, a decimal string or UINT64_MAX, SIZE_MAX, UINT32_MAX, PAGE_SIZE, MOCK_PAGE_SIZE, MOCK_APERTURE_START, MOCK_APERTURE_LAST)`,
    );
  });

  it('--json gives results per file and profile with every step', () => {
    const r = run(['replay', vfioIoas, '--json', '--semantics', 'latest,v6.2']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { results: { file: string; semantics: string; match: boolean; steps: unknown[] }[] };
    expect(j.results.map((x) => [x.semantics, x.match, x.steps.length])).toEqual([
      ['v6.2', true, 9],
      ['latest', true, 9],
    ]);
    expect(j.results[0]?.steps[1]).toEqual({
      index: 1,
      op: 'IOMMU_VFIO_IOAS',
      match: true,
      expected: 'ENODEV',
      got: 'ENODEV',
    });
  });

  it('scenarios and counterexamples replay side by side', () => {
    const r = run(['replay', vfioIoas, join(repo, 'counterexamples', 'no-kernel-warn--v6.3.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('reproduced: no-kernel-warn violated on v6.3');
  });
});
