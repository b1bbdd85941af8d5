// `kernel setup`: runs the lab's stages (kernel/lab/*.sh, each skipped when its output is cached) for a flavour,
// a progress line per stage, and records what the flavour offers (caps.json) for `kernel replay`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLab } from './labCache.ts';
import type { Flavour, FlavourCaps } from './labTypes.ts';
import { sanity } from './sanity.ts';

export const LAB_SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'kernel', 'lab');

interface Stage {
  readonly script: string;
  readonly args: readonly string[];
  readonly what: string;
}

export function stages(flavour: Flavour): readonly Stage[] {
  const common: Stage[] = [
    { script: 'packages.sh', args: [], what: 'Debian packages (qemu, busybox, gcc, kernel build tools)' },
    { script: 'download.sh', args: [], what: "Debian 12's newest 6.12.y kernel, headers and source" },
    { script: 'unpack.sh', args: [], what: 'unpack the packages (never installed) and the source' },
  ];
  if (flavour === 'debian')
    return [
      ...common,
      {
        script: 'modules.sh',
        args: [],
        what: 'rebuild iommufd and vfio with CONFIG_IOMMUFD=m, VFIO_DEVICE_CDEV, VFIO_NOIOMMU',
      },
      { script: 'executor.sh', args: ['debian'], what: 'the guest executor' },
      { script: 'initramfs.sh', args: ['debian'], what: 'the initramfs' },
    ];
  return [
    ...common,
    { script: 'testkernel.sh', args: [], what: 'the test kernel (IOMMUFD_TEST, fault injection, KASAN, lockdep)' },
    { script: 'selftests.sh', args: [], what: "the kernel's own iommufd selftests" },
    { script: 'executor.sh', args: ['test'], what: 'the guest executor (with the selftest ops)' },
    { script: 'initramfs.sh', args: ['test'], what: 'the initramfs' },
  ];
}

export const FLAVOUR_CAPS: Readonly<Record<Flavour, FlavourCaps>> = {
  // Debian's config: CONFIG_IOMMUFD_VFIO_CONTAINER is off, so /dev/vfio/vfio is the legacy container and
  // iommufd's compat container is the /dev/iommu fd itself.
  debian: { flavour: 'debian', compatPath: '/dev/iommu', legacyContainer: true, testOps: false },
  // The test kernel is built with CONFIG_IOMMUFD_VFIO_CONTAINER=y: /dev/vfio/vfio is iommufd.
  test: { flavour: 'test', compatPath: '/dev/vfio/vfio', legacyContainer: false, testOps: true },
};

export interface SetupResult {
  readonly ok: boolean;
  readonly message: string;
  readonly stageMs: readonly { readonly stage: string; readonly ms: number }[];
}

export function setupLab(flavour: Flavour, cache: string, say: (line: string) => void): SetupResult {
  mkdirSync(cache, { recursive: true });
  const stageMs: { stage: string; ms: number }[] = [];
  for (const s of stages(flavour)) {
    say(`kernel setup (${flavour}): ${s.script.replace(/\.sh$/, '')}: ${s.what}`);
    const t0 = Date.now();
    const r = spawnSync('bash', [join(LAB_SCRIPTS, s.script), ...s.args], {
      env: { ...process.env, IOAS_LAB_CACHE: cache },
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 40 * 60_000,
    });
    stageMs.push({ stage: s.script, ms: Date.now() - t0 });
    if (r.status !== 0)
      return { ok: false, message: `stage ${s.script} failed (exit ${r.status ?? r.signal})`, stageMs };
  }
  writeFileSync(join(cache, flavour, 'caps.json'), `${JSON.stringify(FLAVOUR_CAPS[flavour], null, 2)}\n`);
  const lab = findLab(cache, flavour);
  if ('missing' in lab) return { ok: false, message: lab.missing, stageMs };
  say(
    `kernel setup (${flavour}): sanity: boot each topology${flavour === 'test' ? ' and run the iommufd selftests' : ''}`,
  );
  const t0 = Date.now();
  const s = sanity(lab);
  stageMs.push({ stage: 'sanity', ms: Date.now() - t0 });
  for (const l of s.lines) say(`  ${l}`);
  if (!s.ok)
    return { ok: false, message: 'the sanity boot did not show the lab the model assumes (see above)', stageMs };
  return { ok: true, message: `the ${flavour} lab is ready in ${join(cache, flavour)}`, stageMs };
}
