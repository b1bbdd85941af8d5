// The resident guest's plumbing without QEMU: a stand-in `qemu-system-x86_64` (fixtures/fake-qemu.mjs) plays the
// executor on the FIFOs. Batches in flow-controlled units, a guest that dies inside a batch, one that never
// comes up. The real guest is the kernel tier's.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGuestOutput } from '../../src/lab/kernelOutput.ts';
import { ResidentGuest, residentRunner } from '../../src/lab/resident.ts';
import { FAKE_LAB } from './fakeGuest.ts';

const savedPath = process.env['PATH'];
beforeAll(() => {
  const bin = mkdtempSync(join(tmpdir(), 'fake-qemu-'));
  symlinkSync(resolve('test/lab/fixtures/fake-qemu.mjs'), join(bin, 'qemu-system-x86_64'));
  process.env['PATH'] = `${bin}:${savedPath}`;
});
afterAll(() => {
  process.env['PATH'] = savedPath;
  delete process.env['FAKE_QEMU_MODE'];
});

/** n sequences of 3 steps, about 90 bytes each. */
const batch = (n: number): string =>
  Array.from(
    { length: n },
    (_, i) => `S s${i}\n0 open path=/dev/iommu as=a0f3\n1 IOMMU_IOAS_ALLOC fd=@a0f3\n2 close fd=@a0f3\nE\n`,
  ).join('');

describe('ResidentGuest', () => {
  it('serves batch after batch on one boot, every sequence answered, far beyond the flow-control window', () => {
    process.env['FAKE_QEMU_MODE'] = 'ok';
    const g = ResidentGuest.start(FAKE_LAB, 'iommu', 1, 10_000);
    try {
      for (const n of [1, 2000]) {
        const r = g.run(batch(n), 20_000);
        const out = parseGuestOutput(r.output);
        expect(r.timedOut).toBe(false);
        expect(out.done).toBe(true);
        expect(out.release).toBe('6.12.0-fake');
        expect(out.sequences.size).toBe(n);
        expect([...out.sequences.values()].every((s) => s.ended && s.steps.size === 3)).toBe(true);
      }
      expect(g.dead).toBe(false);
    } finally {
      g.stop();
    }
  });

  it('returns what a guest that died inside a batch printed, and marks it dead', () => {
    process.env['FAKE_QEMU_MODE'] = 'die-after-3';
    const g = ResidentGuest.start(FAKE_LAB, 'iommu', 1, 10_000);
    const r = g.run(batch(10), 20_000);
    expect(g.dead).toBe(true);
    expect(r.timedOut).toBe(false);
    const out = parseGuestOutput(r.output);
    expect(out.done).toBe(false);
    expect([...out.sequences.values()].filter((s) => s.ended)).toHaveLength(3);
    g.stop();
  });

  it('refuses a guest that never comes up, within its bound', () => {
    process.env['FAKE_QEMU_MODE'] = 'mute';
    const t0 = Date.now();
    expect(() => ResidentGuest.start(FAKE_LAB, 'iommu', 1, 1500)).toThrow(/did not come up within its bound/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('residentRunner boots once for many small batches and again after a death', () => {
    process.env['FAKE_QEMU_MODE'] = 'die-after-3';
    const run = residentRunner();
    try {
      run(FAKE_LAB, 'iommu', batch(2), 10_000);
      run(FAKE_LAB, 'iommu', batch(1), 10_000); // the third sequence: the guest exits after it
      run(FAKE_LAB, 'iommu', batch(1), 10_000);
      expect(run.bootCount()).toBe(2);
    } finally {
      run.close();
    }
  });
});
