// The last stage of `kernel setup`: boot the lab and show that it is what the model assumes. Every boot must
// give the model's devices (g0 alone, g1's two devices in one group, g2 an mdev, g3 no-IOMMU) and a kernel that
// answers; the test flavour also runs the kernel's own iommufd selftests and reports their TAP totals.

import { parseGuestOutput } from './kernelOutput.ts';
import type { LabInstall } from './labCache.ts';
import type { LabBoot } from './labTypes.ts';
import { runGuest } from './qemu.ts';

export interface SanityResult {
  readonly ok: boolean;
  readonly lines: readonly string[];
}

/** What each boot must show in /lab/topology. */
const EXPECTED: Readonly<Partial<Record<LabBoot, readonly string[]>>> = {
  iommu: ['g0', 'dev0', 'g1', 'dev1', 'dev2', 'g2', 'mdev0'],
  noiommu: ['g3', 'nidev0'],
  mixed: ['g0', 'dev0', 'g1', 'dev1', 'dev2', 'g2', 'mdev0', 'g3', 'nidev0'],
};

/** A one-step probe: VFIO_GET_API_VERSION on the compat container. */
const PROBE = 'S sanity\n0 open path=/dev/iommu as=f\n1 VFIO_GET_API_VERSION fd=@f\nE\n';

export function sanity(lab: LabInstall): SanityResult {
  const lines: string[] = [];
  let ok = true;
  for (const boot of ['iommu', 'noiommu', 'mixed'] as const) {
    const t0 = Date.now();
    const g = runGuest(lab, boot, PROBE, 240_000);
    const out = parseGuestOutput(g.output);
    const names = [...out.topology.keys()];
    const missing = (EXPECTED[boot] ?? []).filter((n) => !names.includes(n));
    const probe = out.sequences.get('sanity')?.steps.get(1);
    const answered = probe !== undefined && probe.errno === 0 && probe.ret === 0;
    const where = [...out.topology].map(([n, t]) => `${n}=${t.target}${t.cdev === '-' ? '' : ` (${t.cdev})`}`);
    lines.push(
      `${boot} boot: ${out.release ?? 'no answer'} in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${where.join(', ')}${missing.length > 0 ? `; MISSING ${missing.join(', ')}` : ''}${answered ? '' : '; the executor did not answer'}`,
    );
    for (const m of out.initMessages) lines.push(`  init: ${m}`);
    if (missing.length > 0 || !answered) ok = false;
  }
  if (lab.caps.testOps) {
    const t0 = Date.now();
    const g = runGuest(lab, 'mock', '', 1_500_000, 1, { 'lab/selftests.run': '1\n' });
    const totals = g.output.split('\n').filter((l) => l.startsWith('# Totals:') || l.startsWith('# ioas-lab:'));
    lines.push(
      `selftests (mock boot, ${((Date.now() - t0) / 1000).toFixed(1)} s):`,
      ...totals.map((l) => `  ${l.trim()}`),
    );
    const fails = totals.filter((l) => /# Totals:/.test(l) && !/ fail:0 /.test(l));
    if (totals.filter((l) => l.startsWith('# Totals:')).length < 2 || fails.length > 0) ok = false;
  }
  return { ok, lines };
}
