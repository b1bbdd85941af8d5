// The real-kernel tier for interleavings: the open-atomicity counterexample's race run with real threads in the
// guest (QEMU -smp 2), every outcome the kernel gives compared with every outcome the threaded model allows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { FLAVOURS } from '../../src/lab/labTypes.ts';
import { runCli } from '../helpers/runCli.ts';

interface RaceJson {
  readonly races: readonly {
    readonly file: string;
    readonly tries: number;
    readonly seen: number;
    readonly outcomes: readonly {
      readonly count: number;
      readonly reproduced: boolean;
      readonly modelAllows: boolean;
    }[];
    readonly model: readonly { readonly seen: boolean }[];
    readonly kernelWarnings: readonly string[];
  }[];
}

function race(args: readonly string[]): { code: number; json: RaceJson } {
  const out = mkdtempSync(join(tmpdir(), 'race-'));
  const r = runCli(['kernel', 'race', '--json', '--out', out, ...args], () => Date.now());
  if (r.code === 2) throw new Error(`kernel race exited 2: ${r.err}`);
  return { code: r.code, json: JSON.parse(r.out) as RaceJson };
}

describe.each(FLAVOURS)('the %s lab', (flavour) => {
  it('races the compat open against destroy + alloc: every kernel outcome is one the model allows', () => {
    const { json } = race(['--flavour', flavour, '--tries', '300']);
    const [r] = json.races;
    expect(r?.file).toBe('counterexamples/open-atomicity--v6.12.json');
    expect(r?.tries).toBe(300);
    expect(r?.outcomes.filter((o) => !o.modelAllows)).toEqual([]);
    // The swept start really reorders the threads: the open wins (EBUSY) and the destroy wins (ENODEV).
    expect(r?.outcomes.length).toBeGreaterThanOrEqual(2);
    expect(r?.kernelWarnings).toEqual([]);
  });
});

describe('the debian lab with the delay inside the compat attach window', () => {
  it("shows the review's ABA: the open attaches to an IOAS 1 that was never the compat IOAS", () => {
    const { code, json } = race(['--flavour', 'debian', '--tries', '2000', '--widen-us', '1000', '--until-seen']);
    const [r] = json.races;
    expect(r?.seen).toBeGreaterThan(0);
    expect(r?.outcomes.some((o) => o.reproduced && o.modelAllows)).toBe(true);
    expect(r?.outcomes.filter((o) => !o.modelAllows)).toEqual([]);
    expect(code).toBe(0);
  });
});
