// Boots the lab kernel in QEMU (TCG: no KVM here) with a batch for the executor, and returns what the guest
// printed. Every boot is bounded; a guest that dies or hangs is data for the caller, never an exception.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpioGz } from './initrd.ts';
import type { LabInstall } from './labCache.ts';
import type { LabBoot } from './labTypes.ts';

export interface GuestRun {
  /** The executor's JSON lines (the guest's second serial port). */
  readonly output: string;
  /** The guest's console (first serial port): boot messages, an oops. */
  readonly console: string;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** g0 and g1 behind the emulated Intel IOMMU: one edu alone, two behind a conventional PCI bridge (one group). */
const IOMMU_GROUPS = [
  '-device',
  'intel-iommu,intremap=on,caching-mode=on',
  '-device',
  'edu',
  '-device',
  'pci-bridge,id=br1,chassis_nr=1',
  '-device',
  'edu,bus=br1,addr=1',
  '-device',
  'edu,bus=br1,addr=2',
];

/** The machine for each boot (real-kernel-lab.md): q35 with the emulated Intel IOMMU and three edu devices, two
 * of them behind a conventional PCI bridge (one IOMMU group); or no IOMMU and one edu. */
export function machineArgs(boot: LabBoot): { readonly args: string[]; readonly append: string } {
  switch (boot) {
    case 'iommu':
      return {
        args: ['-M', 'q35,kernel-irqchip=split', ...IOMMU_GROUPS],
        append: 'intel_iommu=on ioas_lab=iommu',
      };
    case 'mixed':
      // real-kernel-lab.md: default-bus-bypass-iommu=off keeps the root bus behind the IOMMU; the expander
      // bridge with bypass_iommu=true puts its edu outside it, so vfio gives it a no-IOMMU group.
      return {
        args: [
          '-M',
          'q35,kernel-irqchip=split,default-bus-bypass-iommu=off',
          ...IOMMU_GROUPS,
          '-device',
          'pxb-pcie,id=pxb1,bus_nr=0x80,bypass_iommu=true',
          '-device',
          'pcie-root-port,id=rp1,bus=pxb1,chassis=2',
          '-device',
          'edu,bus=rp1',
        ],
        append: 'intel_iommu=on ioas_lab=mixed',
      };
    case 'noiommu':
      return { args: ['-M', 'q35', '-device', 'edu'], append: 'intel_iommu=off ioas_lab=noiommu' };
    case 'mock':
      return { args: ['-M', 'q35'], append: 'intel_iommu=off ioas_lab=mock' };
    default: {
      const never: never = boot;
      return never;
    }
  }
}

export function qemuAvailable(): boolean {
  const r = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The QEMU command line of a lab boot: the machine, TCG, the kernel and initrd, the console on the first serial
 * port and the executor's channel on the second (`serial1`: a QEMU chardev spec). */
export function qemuArgs(
  lab: LabInstall,
  boot: LabBoot,
  smp: number,
  initrd: string,
  serial0: string,
  serial1: string,
  append: string,
): string[] {
  const m = machineArgs(boot);
  return [
    ...m.args,
    '-accel',
    'tcg',
    '-cpu',
    'max',
    '-m',
    '1024',
    '-smp',
    String(smp),
    '-vga',
    'none',
    '-net',
    'none',
    '-display',
    'none',
    '-no-reboot',
    '-kernel',
    lab.kernel,
    '-initrd',
    initrd,
    '-append',
    `console=ttyS0 panic=-1 loglevel=4 ${m.append}${append === '' ? '' : ` ${append}`}`,
    '-serial',
    serial0,
    '-serial',
    serial1,
  ];
}

/** One boot: base initramfs + /lab/batch (and `extra` files under /lab), run to poweroff or `timeoutMs`. */
export function runGuest(
  lab: LabInstall,
  boot: LabBoot,
  batch: string,
  timeoutMs: number,
  smp = 1,
  extra: Readonly<Record<string, string | Buffer>> = {},
): GuestRun {
  const dir = mkdtempSync(join(tmpdir(), 'ioas-lab-'));
  try {
    const initrd = join(dir, 'initrd');
    writeFileSync(initrd, Buffer.concat([readFileSync(lab.initramfs), cpioGz({ 'lab/batch': batch, ...extra })]));
    const out = join(dir, 'out.jsonl');
    const con = join(dir, 'console.log');
    writeFileSync(out, '');
    writeFileSync(con, '');
    const args = qemuArgs(lab, boot, smp, initrd, `file:${con}`, `file:${out}`, '');
    const t0 = Date.now();
    const r = spawnSync('qemu-system-x86_64', args, { timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' });
    const elapsedMs = Date.now() - t0;
    if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('qemu-system-x86_64 is not installed (run: ioas-check kernel setup)');
    return {
      output: readFileSync(out, 'utf8'),
      console: readFileSync(con, 'utf8'),
      timedOut: r.signal === 'SIGKILL',
      elapsedMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
