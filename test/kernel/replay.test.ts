// The real-kernel tier: every applicable scenario and counterexample on each lab flavour, step by step against
// the model, and a negative control (a profile the kernel is not must disagree where the lab shows it).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { FLAVOURS } from '../../src/lab/labTypes.ts';
import { runCli } from '../helpers/runCli.ts';

interface StepJson {
  readonly index: number;
  readonly op: string;
  readonly model: string;
  readonly kernel: string | null;
  readonly verdict: string;
}
interface ReplayJson {
  readonly kernel: { readonly release: string; readonly flavour: string };
  readonly results: readonly {
    readonly file: string;
    readonly match: boolean;
    readonly steps: readonly StepJson[];
    readonly reproduced?: { readonly all: boolean };
    readonly c?: { readonly kind: string; readonly exit?: number | null; readonly consistent?: boolean };
  }[];
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  readonly kernelLog: readonly unknown[];
}

function replay(args: readonly string[]): { code: number; json: ReplayJson; err: string } {
  const r = runCli(['kernel', 'replay', '--json', ...args], () => Date.now());
  if (r.code === 2) throw new Error(`kernel replay exited 2: ${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as ReplayJson, err: r.err };
}

describe.each(FLAVOURS)('the %s lab', (flavour) => {
  it('runs every applicable scenario and counterexample with no disagreement and no kernel splat', () => {
    const r = replay(['--flavour', flavour, 'scenarios', 'counterexamples']);
    const bad = r.json.results.filter((x) => !x.match).map((x) => x.file);
    expect(bad).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.json.kernel.release).toMatch(/^6\.12\./);
    expect(r.json.kernelLog).toEqual([]);
    // Most of what is checked in is sequential and runs; skips are threads, injected faults, or (debian) mock ops.
    expect(r.json.results.length).toBeGreaterThan(150);
    const steps = r.json.results.flatMap((x) => x.steps);
    expect(steps.filter((s) => s.verdict === 'agree').length).toBeGreaterThan(1000);
  });

  it("runs each counterexample's C reproducer in the guest, its exit status the executor's verdict", () => {
    const r = replay(['--flavour', flavour, '--c', 'counterexamples']);
    const ran = r.json.results.filter((x) => x.c?.kind === 'ran');
    expect(ran.length).toBeGreaterThan(50);
    expect(ran.filter((x) => x.c?.consistent !== true).map((x) => x.file)).toEqual([]);
    // Both outcomes occur: historical bugs' traces are answered otherwise by 6.12.y, design findings are not.
    expect(ran.some((x) => x.c?.exit === 0)).toBe(true);
    expect(ran.some((x) => x.c?.exit === 1)).toBe(true);
    expect(r.code).toBe(0);
  });

  it('fuzzes: generated sequences on the kernel, every step compared, the --json contract exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
    const { code, out } = runCli(
      ['kernel', 'fuzz', '--flavour', flavour, '--runs', '500', '--seed', '3', '--json', '--out', dir],
      () => Date.now(),
    );
    const j = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual([
      'kernel',
      'sequences',
      'steps',
      'elapsedMs',
      'agreeingSteps',
      'classes',
      'kernelWarnings',
    ]);
    expect(j['classes']).toEqual([]);
    expect(code).toBe(0);
    expect(j['sequences']).toBeGreaterThan(400);
    expect(Number(j['agreeingSteps'])).toBeGreaterThan(0.99 * Number(j['steps']));
    expect(readFileSync(join(dir, 'kernel-fuzz.md'), 'utf8')).toContain('## Agreement per op');
  });

  it('disagrees with v6.6 exactly where 6.12.y carries the B11, B12 and B13 fixes', () => {
    const r = replay(['--flavour', flavour, '--semantics', 'v6.6', 'scenarios/kernel-lab']);
    expect(r.code).toBe(1);
    const dis = r.json.results.flatMap((x) =>
      x.steps.filter((s) => s.verdict === 'disagree').map((s) => `${x.file.split('/').pop()}#${s.index} ${s.op}`),
    );
    expect(dis).toEqual([
      'v6.12.b11_noiommu_open_close.json#5 close',
      'v6.12.b11_noiommu_open_close.json#7 close',
      'v6.12.b12_compat_empty_unmap.json#4 VFIO_IOMMU_UNMAP_DMA',
      'v6.12.b12_compat_empty_unmap.json#6 VFIO_IOMMU_UNMAP_DMA',
      'v6.12.b13_check_extension_noiommu.json#4 VFIO_CHECK_EXTENSION',
      'v6.12.b13_check_extension_noiommu.json#5 VFIO_CHECK_EXTENSION',
    ]);
  });
});
